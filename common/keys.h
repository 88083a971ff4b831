/* CURVE key files: generated here, checked before use.
 *
 * A key file holds one Z85-encoded 32-byte key (40 characters) on a line of its
 * own; lines starting with '#' are comments. `keygen` writes NAME.key (the secret
 * key, mode 0600) and NAME.pub (the public key, shareable). A daemon refuses a
 * secret key file that anyone but its owner can read or write. */
#ifndef CCHC_KEYS_H
#define CCHC_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define CCHC_Z85_KEY_LEN 40

/* Writes a new key pair: the secret to secret_path (created 0600, refusing to
 * overwrite unless force) and the public key to public_path. comment goes on a
 * '#' line in both. Returns 0, or -1 with err. */
int cchc_keys_generate(const char *secret_path, const char *public_path, const char *comment,
                       bool force, char *err, size_t errlen);

/* Reads a secret key file after checking it is a regular file owned by this user
 * and not readable or writable by group or others; also derives its public key
 * (public_z85 may be NULL). Returns 0, or -1 with err saying what is wrong and the
 * command that fixes it. */
int cchc_keys_load_secret(const char *path, char secret_z85[CCHC_Z85_KEY_LEN + 1],
                          char public_z85[CCHC_Z85_KEY_LEN + 1], char *err, size_t errlen);

/* Reads a public key file. Returns 0, or -1 with err. */
int cchc_keys_load_public(const char *path, char public_z85[CCHC_Z85_KEY_LEN + 1], char *err,
                          size_t errlen);

/* The `keygen --out PREFIX [--force]` command both daemons offer: writes PREFIX.key
 * and PREFIX.pub and says what to do with them (public_use: where the .pub goes).
 * argv[0] is the command name. Returns the exit status (0, 1 failure, 2 usage). */
int cchc_keygen_command(const char *prog, const char *public_use, int argc, char **argv);

/* True if text is a well-formed Z85 CURVE key (40 characters of the Z85 alphabet). */
bool cchc_keys_valid_z85(const char *text);

#endif
