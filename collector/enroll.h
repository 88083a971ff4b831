/* `cchc-collector agent enroll|revoke|list`: who may connect, and for which units. */
#ifndef CCHC_ENROLL_H
#define CCHC_ENROLL_H

/* Runs the agent subcommand in argv[0..argc) ("enroll", "revoke NAME", "list") against
 * the database at conninfo. Returns the exit status (0 ok, 1 failure, 2 usage). */
int cchc_enroll_main(const char *conninfo, int argc, char **argv);

#endif
