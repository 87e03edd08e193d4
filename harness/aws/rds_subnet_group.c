/*
 * Amazon RDS DB subnet groups (rds.h): the one drh's isolated stack puts
 * its restored databases in, created over the stack's subnets, described
 * for the isolation checks, deleted at teardown. botocore's rds/2014-10-31
 * model: SubnetIds.SubnetIdentifier.N; results <DBSubnetGroup> with
 * <Subnets><Subnet><SubnetIdentifier>.
 */
#include "aws/rds.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define NOT_FOUND "DBSubnetGroupNotFoundFault"

void rds_subnet_group_clean_up(struct rds_subnet_group *g)
{
    if (!g)
        return;
    free(g->name);
    free(g->arn);
    free(g->vpc);
    free(g->status);
    for (size_t i = 0; i < g->n_subnets; i++) {
        free(g->subnets[i]);
        free(g->azs[i]);
    }
    free(g->subnets);
    free(g->azs);
    memset(g, 0, sizeof *g);
}

static enum drh_status s_call(struct aws_client *c, const char *op, const struct aws_params *p,
                              struct xml_doc **doc_out, const struct xml_node **result_out,
                              struct drh_err *err)
{
    static const char *const not_found[] = {NOT_FOUND, NULL};
    return aws_query_call_nf(c, "rds", op, p, not_found, doc_out, result_out, err);
}

enum drh_status rds_create_subnet_group(struct aws_client *c, const char *name,
                                        const char *description, const char *const *subnets,
                                        size_t n_subnets, const struct aws_tag *tags, size_t n_tags,
                                        struct drh_err *err)
{
    static const char op[] = "CreateDBSubnetGroup";
    enum drh_status st = aws_need(name, "rds", op, "name", err);
    if (st == DRH_OK)
        st = aws_need(description, "rds", op, "description", err);
    if (st == DRH_OK)
        st = aws_need(n_subnets ? subnets[0] : NULL, "rds", op, "subnet", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "DBSubnetGroupName", name);
    aws_params_add(&p, "DBSubnetGroupDescription", description);
    aws_params_add_list(&p, AWS_PROTO_QUERY, "SubnetIds", "SubnetIdentifier", subnets, n_subnets);
    if (n_tags)
        aws_params_add_tags(&p, AWS_PROTO_QUERY, "Tags", "Tag", tags, n_tags);
    st = s_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

static void s_subnets(const struct xml_node *list, struct rds_subnet_group *g)
{
    size_t cap = 0;
    for (const struct xml_node *it = xml_child(list, "Subnet"); it; it = xml_next(it)) {
        char *id = xml_find_text_nonempty(it, "SubnetIdentifier");
        if (!id)
            continue;
        if (g->n_subnets == cap) {
            cap = cap ? cap * 2 : 4;
            g->subnets = xrealloc(g->subnets, cap * sizeof *g->subnets);
            g->azs = xrealloc(g->azs, cap * sizeof *g->azs);
        }
        char *az = xml_find_text_nonempty(it, "SubnetAvailabilityZone/Name");
        g->subnets[g->n_subnets] = id;
        g->azs[g->n_subnets++] = az ? az : xstrdup("");
    }
}

enum drh_status rds_describe_subnet_group(struct aws_client *c, const char *name,
                                          struct rds_subnet_group *out, struct drh_err *err)
{
    static const char op[] = "DescribeDBSubnetGroups";
    enum drh_status st = aws_need(name, "rds", op, "name", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "DBSubnetGroupName", name);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = s_call(c, op, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *n = xml_child(xml_child(result, "DBSubnetGroups"), "DBSubnetGroup");
    struct rds_subnet_group g = {0};
    g.name = n ? xml_find_text_nonempty(n, "DBSubnetGroupName") : NULL;
    if (!g.name || strcmp(g.name, name) != 0) {
        st = drh_err_set(err, DRH_E_NOTFOUND, "rds %s: DB subnet group '%s' is not in the response",
                         op, name);
        rds_subnet_group_clean_up(&g);
    } else {
        g.arn = xml_find_text_nonempty(n, "DBSubnetGroupArn");
        g.vpc = xml_find_text_nonempty(n, "VpcId");
        g.status = xml_find_text_nonempty(n, "SubnetGroupStatus");
        s_subnets(xml_child(n, "Subnets"), &g);
        rds_subnet_group_clean_up(out);
        *out = g;
    }
    xml_free(doc);
    return st;
}

enum drh_status rds_delete_subnet_group(struct aws_client *c, const char *name, bool *in_use,
                                        struct drh_err *err)
{
    static const char op[] = "DeleteDBSubnetGroup";
    if (in_use)
        *in_use = false;
    enum drh_status st = aws_need(name, "rds", op, "name", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "DBSubnetGroupName", name);
    struct xml_doc *doc = NULL;
    char *code = NULL;
    st = aws_query_call(c, "rds", op, &p, &doc, NULL, &code, err); /* no output */
    aws_params_clean_up(&p);
    xml_free(doc);
    if (st == DRH_E_AWS && code && strcmp(code, NOT_FOUND) == 0)
        st = err->code = DRH_E_NOTFOUND;
    else if (st == DRH_E_AWS && code && in_use &&
             (strcmp(code, "InvalidDBSubnetGroupStateFault") == 0 ||
              strcmp(code, "InvalidDBSubnetStateFault") == 0))
        *in_use = true;
    free(code);
    return st;
}
