/* The server's token: 128 random bits from the kernel, as 32 hex digits. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "serve_impl.h"

int serve_token_new(char out[SERVE_TOKEN_LEN + 1], gs_error *err)
{
    unsigned char bytes[SERVE_TOKEN_LEN / 2];
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno != EINTR)
            return gs_fail(err, "serve: no random bytes for the token: %s", strerror(errno));
        if (n > 0)
            got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof bytes; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[SERVE_TOKEN_LEN] = '\0';
    return 0;
}

bool serve_token_equal(const char *given, const char *token)
{
    if (!given || strlen(given) != SERVE_TOKEN_LEN)
        return false;
    unsigned diff = 0;
    for (int i = 0; i < SERVE_TOKEN_LEN; i++)
        diff |= (unsigned char)given[i] ^ (unsigned char)token[i];
    return diff == 0;
}
