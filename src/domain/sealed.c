/* Sealed copies (sealed.h): libsodium's secretstream under an Argon2id
 * key. Files are read and written in 64 KB chunks: a province backup never
 * sits in memory whole. */
#include "gonha/domain/sealed.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "GONHA-SEALED 1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define CHUNK (64 * 1024)
#define SALT_LEN crypto_pwhash_SALTBYTES
/* Argon2id for a copy that leaves the PC (open to guessing offline): 32 MiB
 * and four passes, the work of libsodium's "interactive" 64 MiB and two,
 * so that the whole backup stays under the 64 MB every command keeps to
 * (64 MiB alone took it to 82 MB). Each copy's header carries its own
 * limits, so copies sealed before still open. */
#define SEAL_OPSLIMIT 4ULL
#define SEAL_MEMLIMIT (32U * 1024U * 1024U)
#define MAX_HEADER (MAGIC_LEN + 1 + 255 + SALT_LEN + 16 + crypto_secretstream_xchacha20poly1305_HEADERBYTES)

typedef struct sealed_header {
	unsigned char bytes[MAX_HEADER]; /* as written: the first chunk's additional data */
	size_t len;
	char ward[256];
	unsigned char salt[SALT_LEN];
	unsigned long long opslimit;
	size_t memlimit;
	unsigned char stream[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
} sealed_header;

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Reads the header; GN_ERR_INVALID if the file is no sealed copy. */
static gn_status read_header(FILE *f, const char *path, sealed_header *h, gn_err *err)
{
	unsigned char *p = h->bytes;
	if (fread(p, 1, MAGIC_LEN + 1, f) != MAGIC_LEN + 1 || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return gn_fail(err, GN_ERR_INVALID, _("%s is not a sealed gonha copy"), path);
	size_t wl = p[MAGIC_LEN], rest = wl + SALT_LEN + 16 + sizeof h->stream;
	if (fread(p + MAGIC_LEN + 1, 1, rest, f) != rest)
		return gn_fail(err, GN_ERR_INVALID, _("%s is cut short: it is not a whole sealed copy"), path);
	h->len = MAGIC_LEN + 1 + rest;
	const unsigned char *q = p + MAGIC_LEN + 1;
	memcpy(h->ward, q, wl);
	h->ward[wl] = '\0';
	q += wl;
	memcpy(h->salt, q, SALT_LEN);
	q += SALT_LEN;
	h->opslimit = get_u64(q);
	uint64_t mem = get_u64(q + 8);
	q += 16;
	memcpy(h->stream, q, sizeof h->stream);
	/* limits from the file are bounded: a made-up header cannot ask for
	 * hours of work or all the memory */
	if (h->opslimit < crypto_pwhash_OPSLIMIT_MIN || h->opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return gn_fail(err, GN_ERR_INVALID, _("%s is not a sealed gonha copy"), path);
	h->memlimit = (size_t)mem;
	return GN_OK;
}

bool gn_sealed_is(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char magic[MAGIC_LEN];
	bool is = fread(magic, 1, MAGIC_LEN, f) == MAGIC_LEN && memcmp(magic, MAGIC, MAGIC_LEN) == 0;
	fclose(f);
	return is;
}

gn_status gn_sealed_ward(const char *path, char *out, size_t size, gn_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
	sealed_header h;
	gn_status st = read_header(f, path, &h, err);
	fclose(f);
	if (st == GN_OK)
		snprintf(out, size, "%s", h.ward);
	return st;
}

static gn_status derive(unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES], const char *passphrase,
                        const sealed_header *h, gn_err *err)
{
	if (crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, passphrase, strlen(passphrase), h->salt,
	                  h->opslimit, h->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	return GN_OK;
}

/* Writes the chunks of `in` to `out` (the header already there). */
static gn_status seal_chunks(crypto_secretstream_xchacha20poly1305_state *s, const sealed_header *h, FILE *in,
                             FILE *out, const char *plain_path, gn_err *err)
{
	unsigned char *buf = malloc(CHUNK), *ct = malloc(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
	gn_status st = buf && ct ? GN_OK : gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	bool first = true;
	for (bool last = false; st == GN_OK && !last;) {
		size_t n = fread(buf, 1, CHUNK, in);
		if (ferror(in)) {
			st = gn_fail(err, GN_ERR_IO, _("cannot read %s: %s"), plain_path, strerror(errno));
			break;
		}
		last = feof(in) != 0;
		unsigned long long clen = 0;
		crypto_secretstream_xchacha20poly1305_push(s, ct, &clen, buf, n, first ? h->bytes : NULL,
		                                           first ? h->len : 0,
		                                           last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		first = false;
		unsigned char len4[4] = { (unsigned char)clen, (unsigned char)(clen >> 8), (unsigned char)(clen >> 16),
			                  (unsigned char)(clen >> 24) };
		if (fwrite(len4, 1, 4, out) != 4 || fwrite(ct, 1, (size_t)clen, out) != clen)
			st = gn_stream_write_fail(err, errno);
	}
	if (buf)
		sodium_memzero(buf, CHUNK);
	free(buf);
	free(ct);
	return st;
}

gn_status gn_seal_file(const char *plain_path, const char *sealed_path, const char *passphrase,
                       const char *ward_id, gn_err *err)
{
	if (!passphrase || strlen(passphrase) < 8)
		return gn_fail_field(err, GN_ERR_INVALID, "passphrase",
		                     _("the passphrase is too short: at least 8 characters, better a few words"));
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	sealed_header h = { .opslimit = SEAL_OPSLIMIT, .memlimit = SEAL_MEMLIMIT };
	size_t wl = ward_id ? strlen(ward_id) : 0;
	if (wl > 255)
		wl = 255;
	randombytes_buf(h.salt, sizeof h.salt);
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	gn_status st = derive(key, passphrase, &h, err);
	if (st != GN_OK)
		return st;
	crypto_secretstream_xchacha20poly1305_state s;
	crypto_secretstream_xchacha20poly1305_init_push(&s, h.stream, key);
	sodium_memzero(key, sizeof key);
	unsigned char *p = h.bytes;
	memcpy(p, MAGIC, MAGIC_LEN);
	p += MAGIC_LEN;
	*p++ = (unsigned char)wl;
	memcpy(p, ward_id ? ward_id : "", wl);
	p += wl;
	memcpy(p, h.salt, SALT_LEN);
	p += SALT_LEN;
	put_u64(p, h.opslimit);
	put_u64(p + 8, h.memlimit);
	p += 16;
	memcpy(p, h.stream, sizeof h.stream);
	h.len = (size_t)(p + sizeof h.stream - h.bytes);

	FILE *in = fopen(plain_path, "rb");
	if (!in)
		return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), plain_path, strerror(errno));
	char part[PATH_MAX];
	gn_private_part_path(sealed_path, part, sizeof part);
	FILE *out = gn_private_create(part, err);
	if (!out) {
		fclose(in);
		return err && err->status ? err->status : GN_ERR_IO;
	}
	if (fwrite(h.bytes, 1, h.len, out) != h.len)
		st = gn_stream_write_fail(err, errno);
	if (st == GN_OK)
		st = seal_chunks(&s, &h, in, out, plain_path, err);
	fclose(in);
	int write_errno = fclose(out) != 0 ? errno : 0;
	if (write_errno && st == GN_OK)
		st = gn_stream_write_fail(err, write_errno);
	if (st == GN_ERR_IO && err && err->sys_errno) /* the file and the cause */
		st = gn_private_write_fail(err, sealed_path, err->sys_errno);
	sodium_memzero(&s, sizeof s);
	if (st == GN_OK)
		return gn_private_publish(part, sealed_path, err);
	gn_private_discard(part);
	return st;
}

/* Reads one chunk's ciphertext: its length, then the bytes. */
static bool read_chunk(FILE *in, unsigned char *ct, size_t cap, size_t *len)
{
	unsigned char len4[4];
	if (fread(len4, 1, 4, in) != 4)
		return false;
	size_t n = (size_t)len4[0] | (size_t)len4[1] << 8 | (size_t)len4[2] << 16 | (size_t)len4[3] << 24;
	if (n < crypto_secretstream_xchacha20poly1305_ABYTES || n > cap)
		return false;
	*len = n;
	return fread(ct, 1, n, in) == n;
}

static gn_status open_chunks(crypto_secretstream_xchacha20poly1305_state *s, const sealed_header *h, FILE *in,
                             FILE *out, const char *sealed_path, gn_err *err)
{
	size_t cap = CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES;
	unsigned char *ct = malloc(cap), *buf = malloc(CHUNK);
	gn_status st = buf && ct ? GN_OK : gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	bool first = true;
	for (unsigned char tag = 0; st == GN_OK && tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL;) {
		size_t n = 0;
		unsigned long long plen = 0;
		if (!read_chunk(in, ct, cap, &n)) {
			st = gn_fail(err, GN_ERR_INVALID, _("%s is cut short or damaged: nothing was read from it"),
			             sealed_path);
			break;
		}
		if (crypto_secretstream_xchacha20poly1305_pull(s, buf, &plen, &tag, ct, n, first ? h->bytes : NULL,
		                                               first ? h->len : 0) != 0) {
			/* the first chunk: the passphrase (or the header) is wrong */
			st = first ? gn_fail_field(err, GN_ERR_DENIED, "passphrase",
			                           _("the passphrase is wrong for %s (or the file was changed): nothing "
			                             "was read from it"), sealed_path)
			           : gn_fail(err, GN_ERR_INVALID, _("%s is cut short or damaged: nothing was read from it"),
			                     sealed_path);
			break;
		}
		first = false;
		if (fwrite(buf, 1, (size_t)plen, out) != plen)
			st = gn_stream_write_fail(err, errno);
	}
	if (st == GN_OK && fgetc(in) != EOF) /* something added after the end */
		st = gn_fail(err, GN_ERR_INVALID, _("%s is cut short or damaged: nothing was read from it"), sealed_path);
	if (buf)
		sodium_memzero(buf, CHUNK);
	free(buf);
	free(ct);
	return st;
}

gn_status gn_unseal_file(const char *sealed_path, const char *plain_path, const char *passphrase, gn_err *err)
{
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	FILE *in = fopen(sealed_path, "rb");
	if (!in)
		return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), sealed_path, strerror(errno));
	sealed_header h;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	crypto_secretstream_xchacha20poly1305_state s;
	FILE *out = NULL;
	gn_status st = read_header(in, sealed_path, &h, err);
	if (st == GN_OK)
		st = derive(key, passphrase ? passphrase : "", &h, err);
	if (st == GN_OK && crypto_secretstream_xchacha20poly1305_init_pull(&s, h.stream, key) != 0)
		st = gn_fail(err, GN_ERR_INVALID, _("%s is cut short or damaged: nothing was read from it"), sealed_path);
	sodium_memzero(key, sizeof key);
	if (st == GN_OK && !(out = gn_private_create(plain_path, err)))
		st = err && err->status ? err->status : GN_ERR_IO;
	if (st == GN_OK)
		st = open_chunks(&s, &h, in, out, sealed_path, err);
	fclose(in);
	if (out && fclose(out) != 0 && st == GN_OK)
		st = gn_stream_write_fail(err, errno);
	if (st == GN_ERR_IO && err && err->sys_errno)
		st = gn_private_write_fail(err, plain_path, err->sys_errno);
	sodium_memzero(&s, sizeof s);
	if (st != GN_OK && out)
		gn_private_discard(plain_path);
	return st;
}
