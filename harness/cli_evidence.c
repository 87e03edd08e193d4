/*
 * drh evidence verify and drh evidence keygen: the command line over
 * reports/bundle/bundle.h. verify prints one line per file that does not match
 * SHA256SUMS, a line for the files, one for the signature, and says plainly
 * when the signer's key came from the bundle itself (proving integrity, not
 * who signed).
 */
#include "cli_evidence.h"

#include "json.h"
#include "mem.h"
#include "reports/bundle/bundle.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_usage[] =
    "usage: drh evidence verify DIR [--public-key FILE] [--json]\n"
    "       drh evidence keygen --out FILE\n"
    "\n"
    "An evidence bundle is the folder a run leaves for auditors,\n"
    "<evidence-dir>/<run-id>/: evidence.json, junit.xml, drh.log, report.html,\n"
    "summary.md and drills/<file>, sealed by\n"
    "  SHA256SUMS      the SHA-256 of every other file, in sha256sum's format\n"
    "  SHA256SUMS.sig  an Ed25519 signature of SHA256SUMS, when the run had a\n"
    "                  signing key (--signing-key FILE or $DRH_SIGNING_KEY)\n"
    "  signer.pem      the public key of that signature\n"
    "\n"
    "verify checks that every file listed is there and unchanged, that no file\n"
    "was added, and the signature; it names each altered, missing or added file.\n"
    "signer.pem comes from the bundle itself: anyone who rewrote the files could\n"
    "have re-signed them with a key of their own. Pass the key you trust with\n"
    "--public-key to prove who signed.\n"
    "\n"
    "  --public-key FILE  the signer's public key (PEM) to pin: the signature must\n"
    "                     be by it, and signer.pem must be it\n"
    "  --json             the verdict as one JSON object on stdout\n"
    "\n"
    "keygen makes a signing key: FILE, the private key (mode 0600: keep it as a CI\n"
    "secret, e.g. in $DRH_SIGNING_KEY), and FILE.pub, the public key for auditors.\n"
    "It never overwrites a file.\n"
    "\n"
    "  --out FILE         where to write the private key\n"
    "\n"
    "exit codes: 0 verified (an unsigned bundle too, with a warning, unless\n"
    "            --public-key was given), 1 verification failed, 2 bad usage, no\n"
    "            such folder or not a bundle, 3 a file could not be read.\n"
    "\n"
    "verify by hand, without drh (OpenSSL 3):\n"
    "  cd BUNDLE && sha256sum -c SHA256SUMS\n"
    "  find . -type f ! -path ./SHA256SUMS ! -path ./SHA256SUMS.sig ! -path ./signer.pem \\\n"
    "      | sed 's|^\\./||' | LC_ALL=C sort | diff - <(cut -c67- SHA256SUMS)  # nothing added\n"
    "  openssl pkeyutl -verify -pubin -inkey TRUSTED.pub -rawin -in SHA256SUMS \\\n"
    "      -sigfile SHA256SUMS.sig\n"
    "\n"
    "examples:\n"
    "  drh evidence keygen --out drh-signing.pem\n"
    "  drh evidence verify evidence/20261122-073235-90b4aa --public-key drh-signing.pem.pub\n"
    "\n"
    "see docs/evidence.md.\n";

#define S_PUB_MAX (64 * 1024)

/* Reads a public key file (no secret: any mode will do); caller frees. */
static int s_read_public(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "drh: error: cannot read public key '%s': %s\n", path, strerror(errno));
        return 2;
    }
    char *text = xmalloc(S_PUB_MAX + 1);
    size_t n = fread(text, 1, S_PUB_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || n > S_PUB_MAX) {
        fprintf(stderr, "drh: error: cannot read public key '%s': %s\n", path,
                failed ? "read error" : "longer than 64 KiB, not a public key");
        free(text);
        return 2;
    }
    text[n] = '\0';
    struct drh_err err;
    drh_err_clear(&err);
    char fp[CRYPTO_SHA256_HEX_LEN + 1];
    if (strlen(text) != n || crypto_ed25519_fingerprint(text, n, fp, &err) != DRH_OK) {
        if (err.code == DRH_OK)
            drh_err_set(&err, DRH_E_INPUT, "not a PEM public key");
        drh_err_prefix(&err, "public key '%s'", path);
        free(text);
        return cli_fail(&err);
    }
    *out = text;
    return 0;
}

static const char *s_sig_status(const struct bundle_verdict *v)
{
    return !v->is_signed ? "unsigned" : v->signature_ok ? "valid" : "invalid";
}

static void s_print_json(const char *dir, const struct bundle_verdict *v, FILE *out)
{
    struct json *o = json_new_object();
    json_add_string(o, "bundle", dir);
    json_add_bool(o, "ok", bundle_verdict_ok(v));
    json_add_number(o, "files", (double)v->n_files);
    struct json *problems = json_add_child(o, "problems", json_new_array());
    for (size_t i = 0; i < v->n_problems; i++) {
        struct json *p = json_push(problems, json_new_object());
        json_add_string(p, "path", v->problems[i].path);
        json_add_string(p, "problem", v->problems[i].what);
    }
    struct json *s = json_add_child(o, "signature", json_new_object());
    json_add_string(s, "status", s_sig_status(v));
    if (v->signature_why[0])
        json_add_string(s, "reason", v->signature_why);
    else
        json_add_null(s, "reason");
    if (v->fingerprint[0])
        json_add_string(s, "key_sha256", v->fingerprint);
    else
        json_add_null(s, "key_sha256");
    if (v->signer_fingerprint[0])
        json_add_string(s, "signer_sha256", v->signer_fingerprint);
    else
        json_add_null(s, "signer_sha256");
    json_add_bool(s, "pinned", v->key_pinned);
    char *text = json_print(o, 1);
    fprintf(out, "%s\n", text);
    free(text);
    json_free(o);
}

static void s_print_text(const struct bundle_verdict *v, FILE *out)
{
    for (size_t i = 0; i < v->n_problems; i++) {
        char *shown = bundle_printable(v->problems[i].path);
        fprintf(out, "%s: %s\n", v->problems[i].what, shown);
        free(shown);
    }
    if (v->n_problems)
        fprintf(out, "files: %zu listed, %zu problem%s\n", v->n_files, v->n_problems,
                v->n_problems == 1 ? "" : "s");
    else
        fprintf(out, "files: %zu listed, all match\n", v->n_files);
    if (!v->is_signed) {
        fprintf(out, "signature: unsigned (no %s)%s\n", BUNDLE_SIGNATURE,
                v->key_pinned ? ", but --public-key expects one" : "");
    } else if (v->signature_ok) {
        fprintf(out, "signature: valid, key sha256:%s %s\n", v->fingerprint,
                v->key_pinned ? "(pinned by --public-key)"
                              : "(NOT pinned: signer.pem from the bundle itself; pass "
                                "--public-key to prove who signed)");
    } else if (v->key_mismatch) {
        fprintf(out,
                "signature: INVALID: signer.pem (key sha256:%s) is not the pinned key "
                "sha256:%s\n",
                v->signer_fingerprint[0] ? v->signer_fingerprint : "unreadable", v->fingerprint);
    } else {
        fprintf(out, "signature: INVALID: %s", v->signature_why);
        if (v->fingerprint[0])
            fprintf(out, " (key sha256:%s%s)", v->fingerprint,
                    v->key_pinned ? ", pinned by --public-key" : "");
        fputc('\n', out);
    }
}

static int s_verify(int argc, char **argv, FILE *out)
{
    const char *dir = NULL, *pub_file = NULL;
    bool as_json = false;
    for (int i = 2; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--public-key", &pub_file, &bad)) {
            if (bad)
                return cli_usage_error("evidence", "a value is missing after", argv[i]);
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("evidence", "unknown option", argv[i]);
        } else if (dir) {
            return cli_usage_error("evidence", "verify takes one folder; extra argument", argv[i]);
        } else {
            dir = argv[i];
        }
    }
    if (!dir) {
        fprintf(stderr,
                "drh evidence: verify needs the bundle's folder\nHINT: drh help evidence\n");
        return 2;
    }
    char *pinned = NULL;
    if (pub_file) {
        int rc = s_read_public(pub_file, &pinned);
        if (rc)
            return rc;
    }
    struct drh_err err;
    drh_err_clear(&err);
    struct bundle_verdict v;
    enum drh_status st = bundle_verify(dir, pinned, &v, &err);
    free(pinned);
    if (st != DRH_OK)
        return cli_fail(&err);
    if (as_json)
        s_print_json(dir, &v, out);
    else
        s_print_text(&v, out);
    bool ok = bundle_verdict_ok(&v);
    if (ok && !v.is_signed)
        fprintf(stderr,
                "drh: warning: evidence bundle '%s' is not signed: its files match "
                "SHA256SUMS, but whoever changed a file could have rewritten "
                "SHA256SUMS too\nHINT: sign runs with --signing-key FILE or "
                "$DRH_SIGNING_KEY (drh evidence keygen makes a key)\n",
                dir);
    else if (!ok)
        fprintf(stderr, "drh: error: evidence bundle '%s' failed verification\n", dir);
    bundle_verdict_clean_up(&v);
    return ok ? 0 : 1;
}

static int s_keygen(int argc, char **argv, FILE *out)
{
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--out", &path, &bad)) {
            if (bad)
                return cli_usage_error("evidence", "a value is missing after", argv[i]);
        } else {
            return cli_usage_error("evidence", "unknown argument", argv[i]);
        }
    }
    if (!path) {
        fprintf(stderr, "drh evidence: keygen needs --out FILE\nHINT: drh help evidence\n");
        return 2;
    }
    struct drh_err err;
    drh_err_clear(&err);
    char fp[CRYPTO_SHA256_HEX_LEN + 1];
    if (bundle_keygen(path, fp, &err) != DRH_OK)
        return cli_fail(&err);
    fprintf(out,
            "private key: %s (mode 0600: a secret; give it to runs with --signing-key or, as\n"
            "             its text, in $%s)\n"
            "public key:  %s.pub (for auditors: drh evidence verify DIR --public-key %s.pub)\n"
            "key:         sha256:%s\n",
            path, BUNDLE_KEY_ENV, path, path, fp);
    return 0;
}

int cli_evidence_run(int argc, char **argv, FILE *out)
{
    if (argc < 2) {
        fputs(s_usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "verify") == 0)
        return s_verify(argc, argv, out);
    if (strcmp(argv[1], "keygen") == 0)
        return s_keygen(argc, argv, out);
    return cli_usage_error("evidence", "unknown subcommand", argv[1]);
}

static int s_evidence(int argc, char **argv)
{
    return cli_evidence_run(argc, argv, stdout);
}

const struct cli_command cli_evidence_commands[] = {
    {"evidence", s_evidence, s_usage, "verify an evidence bundle's checksums and signature"},
};
const int cli_evidence_command_count =
    sizeof cli_evidence_commands / sizeof cli_evidence_commands[0];
