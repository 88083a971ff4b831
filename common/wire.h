/* The framing between cchc-agent and cchc-collector: every message is two frames,
 * [type, payload], where type names the protobuf message of the payload
 * (proto/cchc/v1/cchc.proto). One definition for both daemons and the tools. */
#ifndef CCHC_WIRE_H
#define CCHC_WIRE_H

#define CCHC_TYPE_REPORT "cchc.v1.Report"
#define CCHC_TYPE_REPORT_BATCH "cchc.v1.ReportBatch"
#define CCHC_TYPE_ACK_BATCH "cchc.v1.AckBatch"

/* Most reports one cchc.v1.ReportBatch may carry. The collector keeps this many
 * slots beyond max_pending so that a whole message always fits once reading is
 * allowed. A longer batch is refused whole and logged at the collector; none of its
 * reports is acknowledged, so nothing is lost (cchc-agent never sends one). */
#define CCHC_REPORTS_PER_MESSAGE_MAX 256

/* cchc-agent closes a batch before it would pass this many bytes, well under the
 * collector's default max_message_size (1 MiB). A single report is always sent. */
#define CCHC_MESSAGE_BYTES_MAX (256 * 1024)

#endif
