/*
 * Unit tests of the pieces under the SigV4 signer: crypto (FIPS 180 and
 * RFC 4231 known answers), AWS URI encoding, decoding, path normalization and
 * query canonicalization (expected values from botocore), and the signer's
 * own edges: presigned URL shape, AWS's published S3 examples, header value
 * folding, the signing-key cache and the error paths.
 */
#include "support/testreg.h"

#include "aws/headers.h"
#include "aws/sigv4.h"
#include "aws/uri.h"
#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static char *s_hex(const unsigned char *p, size_t n)
{
    char *s = xmalloc(2 * n + 1);
    crypto_hex(p, n, s);
    return s;
}

/* ---- crypto -------------------------------------------------------------- */

static void test_sha256_known_answers(void)
{
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char hex[CRYPTO_SHA256_HEX_LEN + 1];
        crypto_sha256_hex(v[i].in, strlen(v[i].in), hex);
        CU_ASSERT_STRING_EQUAL(hex, v[i].hex);
        unsigned char raw[CRYPTO_SHA256_LEN];
        crypto_sha256(v[i].in, strlen(v[i].in), raw);
        char *h = s_hex(raw, sizeof raw);
        CU_ASSERT_STRING_EQUAL(h, v[i].hex);
        free(h);
    }
    CU_ASSERT_STRING_EQUAL(SIGV4_EMPTY_SHA256, v[0].hex);
}

static void test_sha256_streaming(void)
{
    /* FIPS 180-2: one million 'a', fed in uneven pieces. */
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    struct crypto_sha256 *ctx = crypto_sha256_new();
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        crypto_sha256_update(ctx, chunk, n);
        left -= n;
    }
    unsigned char md[CRYPTO_SHA256_LEN];
    crypto_sha256_final(ctx, md);
    char *h = s_hex(md, sizeof md);
    CU_ASSERT_STRING_EQUAL(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(h);
    /* final() starts over. */
    crypto_sha256_update(ctx, "abc", 3);
    crypto_sha256_final(ctx, md);
    h = s_hex(md, sizeof md);
    CU_ASSERT_STRING_EQUAL(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    free(h);
    crypto_sha256_free(ctx);
    crypto_sha256_free(NULL);
}

static void test_hmac_sha256_rfc4231(void)
{
    unsigned char k1[20], k3[20], d3[50], k6[131];
    memset(k1, 0x0b, sizeof k1);
    memset(k3, 0xaa, sizeof k3);
    memset(d3, 0xdd, sizeof d3);
    memset(k6, 0xaa, sizeof k6);
    static const char d7[] = "This is a test using a larger than block-size key and a larger than "
                             "block-size data. The key needs to be hashed before being used by "
                             "the HMAC algorithm.";
    const struct {
        const void *key;
        size_t key_len;
        const void *data;
        size_t data_len;
        const char *hex;
    } v[] = {
        {k1, sizeof k1, "Hi There", 8,
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"Jefe", 4, "what do ya want for nothing?", 28,
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {k3, sizeof k3, d3, sizeof d3,
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {k6, sizeof k6, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {k6, sizeof k6, d7, sizeof d7 - 1,
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        unsigned char mac[CRYPTO_SHA256_LEN];
        crypto_hmac_sha256(v[i].key, v[i].key_len, v[i].data, v[i].data_len, mac);
        char *h = s_hex(mac, sizeof mac);
        CU_ASSERT_STRING_EQUAL(h, v[i].hex);
        free(h);
    }
}

static void test_hex_and_random(void)
{
    char out[9];
    crypto_hex("\x00\x7f\xab\xff", 4, out);
    CU_ASSERT_STRING_EQUAL(out, "007fabff");
    crypto_hex("", 0, out);
    CU_ASSERT_STRING_EQUAL(out, "");

    unsigned char a[32], b[32], zero[32] = {0};
    CU_ASSERT_EQUAL(crypto_random_bytes(a, sizeof a), DRH_OK);
    CU_ASSERT_EQUAL(crypto_random_bytes(b, sizeof b), DRH_OK);
    CU_ASSERT(memcmp(a, b, sizeof a) != 0);
    CU_ASSERT(memcmp(a, zero, sizeof a) != 0);
    CU_ASSERT_EQUAL(crypto_random_bytes(a, 0), DRH_OK);

    crypto_wipe(a, sizeof a);
    CU_ASSERT_EQUAL(memcmp(a, zero, sizeof a), 0);
}

/* ---- uri ------------------------------------------------------------------ */

static void test_uri_encode(void)
{
    char *s = uri_encode_str("-._~AZaz09", 0);
    CU_ASSERT_STRING_EQUAL(s, "-._~AZaz09");
    free(s);
    s = uri_encode_str("a b/c%+=&?#é\xe1\x88\xb4", 0);
    CU_ASSERT_STRING_EQUAL(s, "a%20b%2Fc%25%2B%3D%26%3F%23%C3%A9%E1%88%B4");
    free(s);
    s = uri_encode_str("/a b/c/", 1);
    CU_ASSERT_STRING_EQUAL(s, "/a%20b/c/");
    free(s);

    struct buf b;
    buf_init(&b);
    uri_encode(&b, "\x00\xff!", 3, 0);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "%00%FF%21");
    buf_clean_up(&b);
}

static void test_uri_decode(void)
{
    struct buf b;
    buf_init(&b);
    const char *in = "%41%7e%7E+%zz%4%";
    uri_decode(&b, in, strlen(in));
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "A~~+%zz%4%");
    buf_reset(&b);
    uri_decode(&b, "a%00b%C3%a9", 11);
    CU_ASSERT_EQUAL(b.len, 5);
    CU_ASSERT_EQUAL(memcmp(b.data, "a\0b\xc3\xa9", 5), 0);
    buf_reset(&b);
    /* Only len bytes are read: the escape cut short stays as it is. */
    uri_decode(&b, "%41%42", 5);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "A%4");
    buf_clean_up(&b);
}

static void test_uri_normalize_path(void)
{
    /* Expected values are botocore.utils.normalize_url_path()'s. */
    static const char *const v[][2] = {
        {"", "/"},
        {"/", "/"},
        {"//", "/"},
        {"/./", "/"},
        {"/a/..", "/"},
        {"/a/b/../..", "/"},
        {"//example//", "/example/"},
        {"/./example", "/example"},
        {"/a/./b/../c/", "/a/c/"},
        {"/a/b/..", "/a"},
        {"/a/b/../", "/a/"},
        {"/../a", "/a"},
        {"/..", "/"},
        {"/a/.", "/a"},
        {"/a/...", "/a/..."},
        {"/a//b///c", "/a/b/c"},
        {"a/b", "a/b"},
        {"/%2e%2e/x", "/%2e%2e/x"},
        {"/example space/", "/example space/"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *s = uri_normalize_path(v[i][0]);
        CU_ASSERT_STRING_EQUAL(s, v[i][1]);
        free(s);
    }
    char *s = uri_normalize_path(NULL);
    CU_ASSERT_STRING_EQUAL(s, "/");
    free(s);
}

static void test_uri_canonical_query(void)
{
    static const char *const v[][2] = {
        {"", ""},
        {"b=2&a=1", "a=1&b=2"},
        {"Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2"},
        {"Param2=value2&Param1=value1", "Param1=value1&Param2=value2"},
        {"k", "k="},
        {"k=", "k="},
        {"=v", "=v"},
        {"a=1&&b=2&", "a=1&b=2"},
        {"&", ""},
        {"%7e=%7E&~=~", "~=~&~=~"},
        {"a=b=c", "a=b%3Dc"},
        {"x=a+b", "x=a%2Bb"},
        {"x=a%20b c", "x=a%20b%20c"},
        {"b=%zz", "b=%25zz"},
        {"Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
         "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
        /* Sorted by the encoded key: '%' (0x25) before '-' and letters. */
        {"\xe1\x88\xb4=bar&a-b=1&a b=2", "%E1%88%B4=bar&a%20b=2&a-b=1"},
        {"z=%00", "z=%00"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *s = uri_canonical_query(v[i][0]);
        CU_ASSERT_STRING_EQUAL(s, v[i][1]);
        free(s);
    }
    char *s = uri_canonical_query(NULL);
    CU_ASSERT_STRING_EQUAL(s, "");
    free(s);
}

static void test_uri_params_keep_order(void)
{
    struct uri_params p;
    uri_params_init(&p);
    uri_params_parse(&p, "b=%7e2&a&c=x y");
    uri_params_add(&p, "X-Amz-Credential", "AKID/20150830/us-east-1/s3/aws4_request");
    CU_ASSERT_EQUAL(p.n, 4);
    char *s = uri_params_join(&p);
    CU_ASSERT_STRING_EQUAL(
        s, "b=~2&a=&c=x%20y&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request");
    free(s);
    uri_params_sort(&p);
    s = uri_params_join(&p);
    CU_ASSERT_STRING_EQUAL(
        s, "X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&a=&b=~2&c=x%20y");
    free(s);
    uri_params_clean_up(&p);
    uri_params_clean_up(&p);
}

/* ---- signer ---------------------------------------------------------------- */

#define S_AWS_AKID "AKIAIOSFODNN7EXAMPLE"
#define S_AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
/* 2013-05-24T00:00:00Z, the date of AWS's S3 SigV4 examples. */
#define S_AWS_NOW ((time_t)1369353600)

static void test_signing_key_and_cache(void)
{
    /* AWS's "derive a signing key" example. */
    unsigned char key[32];
    sigv4_cache_clear();
    unsigned long hits0, misses0, hits1, misses1;
    sigv4_cache_stats(&hits0, &misses0);
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam",
                      key);
    char *h = s_hex(key, sizeof key);
    CU_ASSERT_STRING_EQUAL(h, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    free(h);
    memset(key, 0, sizeof key);
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam",
                      key);
    h = s_hex(key, sizeof key);
    CU_ASSERT_STRING_EQUAL(h, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    free(h);
    /* Another secret, day, region or service is another key. */
    sigv4_signing_key("other", "20120215", "us-east-1", "iam", key);
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120216", "us-east-1", "iam",
                      key);
    sigv4_cache_stats(&hits1, &misses1);
    CU_ASSERT_EQUAL(hits1 - hits0, 1);
    CU_ASSERT_EQUAL(misses1 - misses0, 3);
    sigv4_cache_clear();
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam",
                      key);
    sigv4_cache_stats(&hits0, &misses0);
    CU_ASSERT_EQUAL(misses0 - misses1, 1);
}

static void test_aws_s3_examples(void)
{
    /* From AWS's "Signature Calculations for the Authorization Header" and
     * "Query String Authentication" S3 examples. */
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Host", "examplebucket.s3.amazonaws.com");
    headers_add(&h, "Range", "bytes=0-9");
    struct sigv4_creds creds = {S_AWS_AKID, S_AWS_SECRET, NULL};
    struct sigv4_options opt = {.region = "us-east-1", .service = "s3", .now = S_AWS_NOW, .s3 = 1};
    struct sigv4_request req = {"GET", "/test.txt", NULL, &h, NULL, 0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sigv4_sign(&req, &creds, &opt, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(
        headers_get(&h, "Authorization"),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "X-Amz-Content-SHA256"), SIGV4_EMPTY_SHA256);
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "X-Amz-Date"), "20130524T000000Z");
    headers_clean_up(&h);

    headers_init(&h);
    headers_add(&h, "Host", "examplebucket.s3.amazonaws.com");
    char *query = NULL;
    CU_ASSERT_EQUAL_FATAL(sigv4_presign(&req, &creds, &opt, 86400, &query, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(
        query, "X-Amz-Algorithm=AWS4-HMAC-SHA256"
               "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
               "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
               "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    /* The request is not modified. */
    CU_ASSERT_EQUAL(h.n, 1);
    free(query);
    headers_clean_up(&h);
}

static void test_presign_shape(void)
{
    struct headers h;
    headers_init(&h);
    headers_add(&h, "host", "example.amazonaws.com");
    headers_add(&h, "User-Agent", "drh");
    headers_add(&h, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    headers_add(&h, "X-Amz-Meta-A", " x ");
    struct sigv4_creds creds = {"AKID", "secret", "tok/en+="};
    struct sigv4_options opt = {.region = "eu-west-1", .service = "sts", .now = 1440938160};
    struct sigv4_request req = {"get", "/", "b=2&a=x%7ey&k", &h, NULL, 0};
    char *query = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sigv4_presign(&req, &creds, &opt, 900, &query, &err), DRH_OK);
    const char *want = "b=2&a=x~y&k=&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                       "&X-Amz-Credential=AKID%2F20150830%2Feu-west-1%2Fsts%2Faws4_request"
                       "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900"
                       "&X-Amz-SignedHeaders=host%3Bx-amz-meta-a"
                       "&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=";
    CU_ASSERT_EQUAL(strncmp(query, want, strlen(want)), 0);
    const char *sig = query + strlen(want);
    CU_ASSERT_EQUAL(strlen(sig), 64);
    CU_ASSERT_EQUAL(strspn(sig, "0123456789abcdef"), 64);
    CU_ASSERT_EQUAL(h.n, 4);
    free(query);

    /* Out-of-range expiry is refused and leaves *query_out alone. */
    query = NULL;
    CU_ASSERT_EQUAL(sigv4_presign(&req, &creds, &opt, 0, &query, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(sigv4_presign(&req, &creds, &opt, SIGV4_PRESIGN_MAX_EXPIRES + 1, &query, &err),
                    DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(query);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "expiry"));
    headers_clean_up(&h);
}

static void test_header_values_fold_like_python(void)
{
    /* Python's str.split() whitespace includes U+00A0, U+3000, the ASCII
     * separators 0x1c-0x1f and vertical tab; U+200B is not whitespace. */
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Host", "h");
    headers_add(&h, "X-A", "\xc2\xa0 a\xe3\x80\x80\tb\x1f\x0b c \xe2\x80\x8b");
    headers_add(&h, "x-a", "");
    headers_add(&h, "X-B", "\n  one\n   two  ");
    headers_add(&h, "User-Agent", "not signed");
    struct sigv4_request req = {"POST", "/a/../b c/%41", NULL, &h, "x", 1};
    struct sigv4_options opt = {.region = "r", .service = "s", .now = 0};
    char *signed_headers = NULL;
    char *cr = sigv4_canonical_request(&req, &opt, NULL, &signed_headers);
    CU_ASSERT_STRING_EQUAL(cr, "POST\n/b%20c/%2541\n\nhost:h\nx-a:a b c \xe2\x80\x8b,\n"
                               "x-b:one two\n\nhost;x-a;x-b\n"
                               "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
    CU_ASSERT_STRING_EQUAL(signed_headers, "host;x-a;x-b");
    free(cr);
    free(signed_headers);

    /* S3: the path is signed as sent. */
    opt.s3 = 1;
    cr = sigv4_canonical_request(&req, &opt, SIGV4_UNSIGNED_PAYLOAD, NULL);
    CU_ASSERT_EQUAL(strncmp(cr, "POST\n/a/../b c/%41\n", 19), 0);
    CU_ASSERT_EQUAL(strcmp(cr + strlen(cr) - 16, SIGV4_UNSIGNED_PAYLOAD), 0);
    free(cr);
    headers_clean_up(&h);
}

static void test_sign_date_header_and_token(void)
{
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Host", "example.amazonaws.com");
    headers_add(&h, "Date", "Thu, 01 Jan 1970 00:00:00 GMT");
    headers_add(&h, "X-Amz-Date", "19700101T000000Z");
    headers_add(&h, "Authorization", "stale");
    struct sigv4_creds creds = {"AKID", "secret", "token"};
    struct sigv4_options opt = {.region = "us-east-1", .service = "ec2", .now = 1440938160};
    struct sigv4_request req = {"GET", "/", NULL, &h, NULL, 0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sigv4_sign(&req, &creds, &opt, &err), DRH_OK);
    /* Botocore rewrites a Date header rather than adding X-Amz-Date. */
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "Date"), "Sun, 30 Aug 2015 12:36:00 -0000");
    CU_ASSERT_PTR_NULL(headers_get(&h, "X-Amz-Date"));
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "X-Amz-Security-Token"), "token");
    CU_ASSERT_PTR_NULL(headers_get(&h, "X-Amz-Content-SHA256"));
    const char *auth = headers_get(&h, "Authorization");
    CU_ASSERT_PTR_NOT_NULL_FATAL(auth);
    CU_ASSERT_PTR_NOT_NULL(strstr(auth, "SignedHeaders=date;host;x-amz-security-token,"));
    CU_ASSERT_EQUAL(h.n, 4);
    headers_clean_up(&h);
}

static void test_sign_errors_leave_request_alone(void)
{
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Accept", "*/*");
    struct sigv4_creds creds = {"AKID", "secret", NULL};
    struct sigv4_options opt = {.region = "us-east-1", .service = "s3", .now = 0, .s3 = 1};
    struct sigv4_request req = {"GET", "/", NULL, &h, NULL, 0};
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(sigv4_sign(&req, &creds, &opt, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Host"));
    CU_ASSERT_EQUAL(h.n, 1);

    headers_add(&h, "Host", "h");
    struct sigv4_creds empty = {"AKID", "", NULL};
    CU_ASSERT_EQUAL(sigv4_sign(&req, &empty, &opt, &err), DRH_E_CREDS);
    CU_ASSERT_STRING_NOT_EQUAL(err.hint, "");
    struct sigv4_creds injected = {"AKID", "secret", "tok\r\nX-Evil: 1"};
    CU_ASSERT_EQUAL(sigv4_sign(&req, &injected, &opt, &err), DRH_E_INPUT);
    struct sigv4_options no_region = opt;
    no_region.region = "";
    CU_ASSERT_EQUAL(sigv4_sign(&req, &creds, &no_region, &err), DRH_E_CONFIG);
    CU_ASSERT_EQUAL(h.n, 2);
    char *query = NULL;
    CU_ASSERT_EQUAL(sigv4_presign(&req, &empty, &opt, 60, &query, &err), DRH_E_CREDS);
    CU_ASSERT_PTR_NULL(query);
    headers_clean_up(&h);
}

static void test_string_to_sign(void)
{
    char *sts = sigv4_string_to_sign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", "");
    CU_ASSERT_STRING_EQUAL(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n"
                                "20150830/us-east-1/iam/aws4_request\n" SIGV4_EMPTY_SHA256);
    free(sts);
}

static const struct test_case cases[] = {
    {"sha-256 known answers (FIPS 180)", test_sha256_known_answers},
    {"sha-256 streaming, one million 'a'", test_sha256_streaming},
    {"hmac-sha256 known answers (RFC 4231)", test_hmac_sha256_rfc4231},
    {"hex encoding, random bytes, wipe", test_hex_and_random},
    {"uri encode keeps only unreserved", test_uri_encode},
    {"uri decode is RFC 3986, not form", test_uri_decode},
    {"path normalization matches botocore", test_uri_normalize_path},
    {"canonical query string", test_uri_canonical_query},
    {"query parameters keep their order until sorted", test_uri_params_keep_order},
    {"signing key derivation and cache", test_signing_key_and_cache},
    {"AWS's published S3 examples", test_aws_s3_examples},
    {"presigned query shape", test_presign_shape},
    {"header values fold like Python's str.split", test_header_values_fold_like_python},
    {"Date header, token, stale Authorization", test_sign_date_header_and_token},
    {"errors leave the request alone", test_sign_errors_leave_request_alone},
    {"string to sign", test_string_to_sign},
};
TEST_SUITE("uri-crypto", cases)
