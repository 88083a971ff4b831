/* cchc-rawsend: a test client that sends one report exactly as told, with no checks
 * of its own, and prints the collector's answer. It lets the tests send what a real
 * agent would refuse to (negative counts, unknown units, replays, garbage).
 *
 *   cchc-rawsend --endpoint E --server-key FILE --secret-key FILE [--plaintext]
 *                [--spool-id UUID] [--seq N] [--no-key] [--unit CODE]
 *                [--period KIND:YEAR:INDEX] [--observed-at UNIX] [--final]
 *                [--raw-hex HEX] [--type TYPE] [--timeout MS] [--pad BYTES]
 *                [--unknown-field] [--batch N [--batch-garbage]] [--note TEXT]
 *                [indicator=value ...]
 *   cchc-rawsend --flood SECONDS --endpoint tcp://HOST:PORT
 *       opens and drops as many TCP connections as it can for SECONDS, each sending a
 *       few random bytes; prints "connections N".
 *
 * Prints "accepted", "duplicate", "rejected REASON" or "no-answer"; exit 0 when an
 * answer came, 3 when none did within --timeout. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "cchc/v1/cchc.pb-c.h"
#include "keys.h"
#include "util.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Connection flood: TCP connect, a few random bytes, close; as fast as it goes. */
static int flood(const char *endpoint, double seconds)
{
    char host[64];
    int port;
    if (sscanf(endpoint, "tcp://%63[^:]:%d", host, &port) != 2) {
        fprintf(stderr, "--flood needs a tcp://HOST:PORT endpoint\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
            break;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            continue;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            uint8_t junk[16];
            cchc_random_bytes(junk, sizeof junk);
            if (write(fd, junk, sizeof junk) < 0) { /* the collector may have closed it */ }
            n++;
        }
        close(fd);
    }
    printf("connections %ld\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *endpoint = NULL, *server_key = NULL, *secret_key = NULL, *unit = "SNV";
    const char *type = "cchc.v1.Report", *raw_hex = NULL;
    bool plaintext = false, no_key = false, final = false, unknown_field = false;
    long pad = 0, batch = 0; /* batch > 0: a cchc.v1.ReportBatch of reports seq .. seq+batch-1 */
    bool batch_garbage = false; /* and a malformed element second */
    const char *note_arg = NULL; /* the report's note, bytes as given (may be invalid UTF-8) */
    double flood_seconds = 0;
    uint8_t spool_id[16];
    cchc_random_bytes(spool_id, sizeof spool_id);
    unsigned long long seq = 1;
    unsigned kind = 2, year = 2026, index = 1;
    long long observed_at = (long long)time(NULL);
    long timeout = 3000;
    enum { O_EP = 256, O_SK, O_SEC, O_PLAIN, O_ID, O_SEQ, O_NOKEY, O_UNIT, O_PERIOD, O_OBS,
           O_FINAL, O_RAW, O_TYPE, O_TIMEOUT, O_PAD, O_UNKNOWN, O_FLOOD, O_BATCH, O_GARBAGE, O_NOTE };
    static const struct option opts[] = {
        {"endpoint", 1, 0, O_EP},   {"server-key", 1, 0, O_SK}, {"secret-key", 1, 0, O_SEC},
        {"plaintext", 0, 0, O_PLAIN}, {"spool-id", 1, 0, O_ID}, {"seq", 1, 0, O_SEQ},
        {"no-key", 0, 0, O_NOKEY},  {"unit", 1, 0, O_UNIT},     {"period", 1, 0, O_PERIOD},
        {"observed-at", 1, 0, O_OBS}, {"final", 0, 0, O_FINAL}, {"raw-hex", 1, 0, O_RAW},
        {"type", 1, 0, O_TYPE},     {"timeout", 1, 0, O_TIMEOUT}, {"pad", 1, 0, O_PAD},
        {"unknown-field", 0, 0, O_UNKNOWN}, {"flood", 1, 0, O_FLOOD}, {"batch", 1, 0, O_BATCH},
        {"batch-garbage", 0, 0, O_GARBAGE}, {"note", 1, 0, O_NOTE}, {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_EP: endpoint = optarg; break;
        case O_SK: server_key = optarg; break;
        case O_SEC: secret_key = optarg; break;
        case O_PLAIN: plaintext = true; break;
        case O_ID:
            if (cchc_uuid_parse(optarg, spool_id) != 0) {
                fprintf(stderr, "bad --spool-id\n");
                return 2;
            }
            break;
        case O_SEQ: seq = strtoull(optarg, NULL, 10); break;
        case O_NOKEY: no_key = true; break;
        case O_UNIT: unit = optarg; break;
        case O_PERIOD:
            if (sscanf(optarg, "%u:%u:%u", &kind, &year, &index) != 3) {
                fprintf(stderr, "bad --period (KIND:YEAR:INDEX)\n");
                return 2;
            }
            break;
        case O_OBS: observed_at = strtoll(optarg, NULL, 10); break;
        case O_FINAL: final = true; break;
        case O_RAW: raw_hex = optarg; break;
        case O_TYPE: type = optarg; break;
        case O_TIMEOUT: timeout = strtol(optarg, NULL, 10); break;
        case O_PAD: pad = strtol(optarg, NULL, 10); break;
        case O_UNKNOWN: unknown_field = true; break;
        case O_FLOOD: flood_seconds = strtod(optarg, NULL); break;
        case O_BATCH: batch = strtol(optarg, NULL, 10); break;
        case O_GARBAGE: batch_garbage = true; break;
        case O_NOTE: note_arg = optarg; break;
        default: return 2;
        }
    }
    if (!endpoint) {
        fprintf(stderr, "--endpoint is required\n");
        return 2;
    }
    if (flood_seconds > 0)
        return flood(endpoint, flood_seconds);

    uint8_t *payload;
    size_t len;
    int nfig = argc - optind;
    Cchc__V1__Figure *fv = calloc((size_t)nfig + 1, sizeof *fv);
    Cchc__V1__Figure **fp = calloc((size_t)nfig + 1, sizeof *fp);
    if (raw_hex) {
        len = strlen(raw_hex) / 2;
        payload = malloc(len + 1);
        for (size_t i = 0; i < len; i++)
            payload[i] = (uint8_t)(hexval(raw_hex[2 * i]) << 4 | hexval(raw_hex[2 * i + 1]));
    } else {
        Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
        Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
        Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
        key.spool_id.data = spool_id;
        key.spool_id.len = 16;
        key.seq = seq;
        period.kind = (Cchc__V1__PeriodKind)kind;
        period.year = year;
        period.index = index;
        r.key = no_key ? NULL : &key;
        r.unit = (char *)unit;
        r.period = &period;
        r.observed_at = observed_at;
        r.final = final;
        for (int i = 0; i < nfig; i++) {
            char *arg = argv[optind + i], *eq = strchr(arg, '=');
            if (!eq) {
                fprintf(stderr, "figure '%s' is not indicator=value\n", arg);
                return 2;
            }
            *eq = '\0';
            cchc__v1__figure__init(&fv[i]);
            fv[i].indicator = arg;
            fv[i].value = strtoll(eq + 1, NULL, 10);
            fp[i] = &fv[i];
        }
        r.n_figures = (size_t)nfig;
        r.figures = fp;
        char *note = NULL;
        if (note_arg)
            r.note = (char *)note_arg;
        if (pad > 0) { /* an oversized message: a long note */
            note = malloc((size_t)pad + 1);
            memset(note, 'x', (size_t)pad);
            note[pad] = '\0';
            r.note = note;
        }
        len = cchc__v1__report__get_packed_size(&r);
        payload = malloc(len + 4);
        cchc__v1__report__pack(&r, payload);
        free(note);
        if (unknown_field) { /* field 99, varint 7: what a newer agent might add */
            payload[len++] = 0x98;
            payload[len++] = 0x06;
            payload[len++] = 0x07;
        }
    }

    if (batch > 0 && !raw_hex) {
        /* The same report under batch consecutive keys, packed as cchc-agent does. */
        size_t n = (size_t)batch + (batch_garbage ? 1 : 0), k = 0;
        ProtobufCBinaryData *el = calloc(n, sizeof *el);
        static uint8_t garbage[] = {0xff, 0xff, 0xff};
        Cchc__V1__Report *r = cchc__v1__report__unpack(NULL, len, payload);
        for (long i = 0; r && i < batch; i++) {
            if (batch_garbage && k == 1) {
                el[k].data = garbage;
                el[k++].len = sizeof garbage;
            }
            r->key->seq = seq + (unsigned long long)i;
            el[k].len = cchc__v1__report__get_packed_size(r);
            el[k].data = malloc(el[k].len);
            cchc__v1__report__pack(r, el[k].data);
            k++;
        }
        Cchc__V1__ReportBatch rb = CCHC__V1__REPORT_BATCH__INIT;
        rb.n_reports = k;
        rb.reports = el;
        free(payload);
        len = cchc__v1__report_batch__get_packed_size(&rb);
        payload = malloc(len);
        cchc__v1__report_batch__pack(&rb, payload);
        for (size_t i = 0; i < k; i++)
            if (el[i].data != garbage)
                free(el[i].data);
        free(el);
        if (r)
            cchc__v1__report__free_unpacked(r, NULL);
        if (strcmp(type, "cchc.v1.Report") == 0)
            type = "cchc.v1.ReportBatch";
    }

    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (!plaintext) {
        char server[41], sec[41], pub[41], err[512];
        if (!server_key || !secret_key || cchc_keys_load_public(server_key, server, err, sizeof err) ||
            cchc_keys_load_secret(secret_key, sec, pub, err, sizeof err)) {
            fprintf(stderr, "keys: %s\n", server_key && secret_key ? err : "--server-key and --secret-key required");
            return 2;
        }
        zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server, 40);
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
    }
    zmq_connect(s, endpoint);
    zmq_send(s, type, strlen(type), ZMQ_SNDMORE);
    zmq_send(s, payload, len, 0);

    /* Prints the first ack's status; with --batch, one line "SEQ STATUS" per ack until
     * every report of the batch is answered or the timeout passes. */
    int rc = 3;
    long want = batch > 0 ? batch : 1, got = 0;
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    while (got < want && zmq_poll(&it, 1, timeout) == 1) {
        zmq_msg_t t, p;
        zmq_msg_init(&t);
        zmq_msg_init(&p);
        zmq_msg_recv(&t, s, 0);
        zmq_msg_recv(&p, s, 0);
        Cchc__V1__AckBatch *b = cchc__v1__ack_batch__unpack(NULL, zmq_msg_size(&p), zmq_msg_data(&p));
        if (b && b->n_acks > 0) {
            for (size_t i = 0; i < b->n_acks && got < want; i++, got++) {
                const Cchc__V1__Ack *a = b->acks[i];
                if (batch > 0)
                    printf("%llu ", a->key ? (unsigned long long)a->key->seq : 0ULL);
                if (a->status == CCHC__V1__ACK_STATUS__ACK_STATUS_ACCEPTED)
                    printf("accepted\n");
                else if (a->status == CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE)
                    printf("duplicate\n");
                else
                    printf("rejected %s\n", a->reason);
            }
            rc = 0;
        } else {
            printf("malformed-answer\n");
            rc = 1;
            got = want;
        }
        if (b)
            cchc__v1__ack_batch__free_unpacked(b, NULL);
        zmq_msg_close(&t);
        zmq_msg_close(&p);
    }
    if (got == 0)
        printf("no-answer\n");
    zmq_close(s);
    zmq_ctx_term(ctx);
    free(payload);
    free(fv);
    free(fp);
    return rc;
}
