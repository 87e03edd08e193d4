/*
 * Amazon SNS (query protocol): publishing one message to a topic, which is
 * how drh tells people about a drill's result (harness/notify/notify.h).
 * Shapes and limits from botocore's sns/2010-03-31 model.
 */
#ifndef DRH_AWS_SNS_H
#define DRH_AWS_SNS_H

#include "aws/client.h"

#include <stdbool.h>
#include <stddef.h>

/* Publish's limits: a Subject is printable ASCII without line breaks that
 * starts with a letter, digit or punctuation mark; a Message is UTF-8 of at
 * most 256 KiB. */
#define SNS_SUBJECT_MAX 100
#define SNS_MESSAGE_MAX 262144

/* The Region of a topic ARN (arn:PARTITION:sns:REGION:ACCOUNT:NAME), so the
 * caller can publish with a client of that Region (SNS publishes only
 * within one). false, *out untouched, when arn is no topic ARN or the
 * Region does not fit size bytes. */
bool sns_topic_region(const char *arn, char *out, size_t size);

/* Whether subject is one Publish accepts (see above). */
bool sns_subject_valid(const char *subject);

/* Publish of message (with subject, which may be NULL) to topic_arn;
 * *message_id (caller frees; may be NULL) gets the id SNS gives it.
 * DRH_E_INPUT, nothing sent, for a topic_arn that is no topic ARN, a topic
 * of another Region than c's, a subject Publish refuses, an empty message or
 * one over SNS_MESSAGE_MAX. NotFound is DRH_E_NOTFOUND; AuthorizationError
 * and every other AWS error DRH_E_AWS; each message names the topic and
 * says what to check. *message_id is written only on success. */
enum drh_status sns_publish(struct aws_client *c, const char *topic_arn, const char *subject,
                            const char *message, char **message_id, struct drh_err *err);

#endif
