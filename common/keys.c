/* CURVE key files: generated here, checked before use. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

bool cchc_keys_valid_z85(const char *text)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    if (strlen(text) != CCHC_Z85_KEY_LEN)
        return false;
    for (const char *p = text; *p; p++)
        if (!strchr(alphabet, *p))
            return false;
    uint8_t raw[32];
    return zmq_z85_decode(raw, text) != NULL;
}

static int write_key_file(const char *path, const char *key, const char *comment, mode_t mode,
                          bool force, char *err, size_t errlen)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, mode);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create key file '%s': %s%s", path, strerror(errno),
                 errno == EEXIST ? " (remove it first, or pass --force to replace it)" : "");
        return -1;
    }
    /* open() applies the umask only on creation; make the mode exact either way. */
    if (fchmod(fd, mode) != 0) {
        snprintf(err, errlen, "cannot set mode of '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    char buf[512];
    int n = snprintf(buf, sizeof buf, "# %s\n%s\n", comment ? comment : "CURVE key", key);
    if (n < 0 || (size_t)n >= sizeof buf || write(fd, buf, (size_t)n) != n || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int cchc_keys_generate(const char *secret_path, const char *public_path, const char *comment,
                       bool force, char *err, size_t errlen)
{
    char pub[CCHC_Z85_KEY_LEN + 1], sec[CCHC_Z85_KEY_LEN + 1];
    if (zmq_curve_keypair(pub, sec) != 0) {
        snprintf(err, errlen, "cannot generate a CURVE key pair: %s (is libzmq built with CURVE?)",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    char what[256];
    snprintf(what, sizeof what, "CURVE secret key%s%s: keep it on this machine, mode 0600",
             comment ? " of " : "", comment ? comment : "");
    if (write_key_file(secret_path, sec, what, 0600, force, err, errlen) != 0)
        return -1;
    snprintf(what, sizeof what, "CURVE public key%s%s", comment ? " of " : "",
             comment ? comment : "");
    if (write_key_file(public_path, pub, what, 0644, force, err, errlen) != 0)
        return -1;
    memset(sec, 0, sizeof sec);
    return 0;
}

/* Reads the first non-comment line of path into key. */
static int read_key(const char *path, char key[CCHC_Z85_KEY_LEN + 1], char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot read key file '%s': %s", path, strerror(errno));
        return -1;
    }
    char line[256];
    int rc = -1;
    snprintf(err, errlen, "key file '%s' holds no key (expected a 40-character Z85 line)", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        if (!cchc_keys_valid_z85(p)) {
            snprintf(err, errlen,
                     "key file '%s' does not hold a valid key (expected 40 Z85 characters)",
                     path);
            break;
        }
        memcpy(key, p, CCHC_Z85_KEY_LEN + 1);
        rc = 0;
        break;
    }
    memset(line, 0, sizeof line);
    fclose(f);
    return rc;
}

int cchc_keys_load_secret(const char *path, char secret_z85[CCHC_Z85_KEY_LEN + 1],
                          char public_z85[CCHC_Z85_KEY_LEN + 1], char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot read secret key file '%s': %s (create one with 'keygen')",
                 path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "secret key file '%s' is not a regular file", path);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen,
                 "secret key file '%s' belongs to uid %u, not to this user (uid %u): "
                 "run 'chown %u %s'",
                 path, (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid(), path);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen,
                 "secret key file '%s' is readable or writable by others (mode %04o): "
                 "run 'chmod 600 %s'",
                 path, (unsigned)(st.st_mode & 07777), path);
        return -1;
    }
    if (read_key(path, secret_z85, err, errlen) != 0)
        return -1;
    if (public_z85 && zmq_curve_public(public_z85, secret_z85) != 0) {
        snprintf(err, errlen, "cannot derive the public key from '%s': %s", path,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

int cchc_keys_load_public(const char *path, char public_z85[CCHC_Z85_KEY_LEN + 1], char *err,
                          size_t errlen)
{
    return read_key(path, public_z85, err, errlen);
}

int cchc_keygen_command(const char *prog, const char *public_use, int argc, char **argv)
{
    const char *prefix = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            prefix = argv[++i];
        else if (strncmp(argv[i], "--out=", 6) == 0)
            prefix = argv[i] + 6;
        else if (strcmp(argv[i], "--force") == 0)
            force = true;
        else {
            fprintf(stderr, "%s keygen: unexpected argument '%s' (usage: %s keygen --out PREFIX [--force])\n",
                    prog, argv[i], prog);
            return 2;
        }
    }
    if (!prefix) {
        fprintf(stderr, "%s keygen: --out PREFIX is required (writes PREFIX.key and PREFIX.pub)\n", prog);
        return 2;
    }
    char sec[4096], pub[4096], err[600];
    snprintf(sec, sizeof sec, "%s.key", prefix);
    snprintf(pub, sizeof pub, "%s.pub", prefix);
    if (cchc_keys_generate(sec, pub, prog, force, err, sizeof err) != 0) {
        fprintf(stderr, "%s keygen: %s\n", prog, err);
        return 1;
    }
    printf("secret key: %s (mode 0600, stays on this machine)\npublic key: %s (%s)\n", sec, pub,
           public_use);
    return 0;
}
