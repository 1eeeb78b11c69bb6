/* Compiled C workload, built for the guest (A32 and T32, -O2) and for the host; the results
 * must agree. Only fixed-width types and defined behaviour. */
#include <stdint.h>

#ifndef CB_NS
#define CB_NS
#endif

static uint32_t crc32_update(uint32_t crc, const uint8_t* p, uint32_t n) {
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t rng_state;
static uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void sort_u32(uint32_t* a, int n) {  /* shell sort */
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            uint32_t t = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > t; j -= gap) a[j] = a[j - gap];
            a[j] = t;
        }
}

static int64_t div_mix(int64_t a, int32_t b) { return b ? a / b + a % b : a; }

static uint32_t str_hash(const char* s) {
    uint32_t h = 5381;
    while (*s) h = h * 33 + (uint8_t)*s++;
    return h;
}

static uint16_t halves[64];
static int8_t bytes[64];
static uint32_t words[256];
static uint8_t buf[1024];

static int utoa_dec(uint32_t v, char* p) {
    char tmp[12];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (int i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    p[n] = 0;
    return n;
}

static uint32_t classify(uint32_t v) {  /* dense switch: jump tables / TBB */
    switch (v % 13) {
    case 0: return v * 3;
    case 1: return v ^ 0x55;
    case 2: return v + 17;
    case 3: return v >> 3;
    case 4: return ~v;
    case 5: return v * v;
    case 6: return v - 1000;
    case 7: return v | 0x8000;
    case 8: return v & 0xff00ff;
    case 9: return v << 5;
    case 10: return v / 7;
    case 11: return v % 11;
    default: return 42;
    }
}

struct big { uint32_t a[9]; uint16_t h; uint8_t b[3]; };
static struct big copy_big(struct big x) { x.a[3] += x.h; x.b[1] ^= 0x5a; return x; }

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

typedef uint32_t (*op_fn)(uint32_t);
static uint32_t op_a(uint32_t v) { return v * 7 + 1; }
static uint32_t op_b(uint32_t v) { return (v >> 1) ^ v; }
static uint32_t op_c(uint32_t v) { return v + (v << 9); }

static void my_memcpy(uint8_t* d, const uint8_t* s, uint32_t n) { while (n--) *d++ = *s++; }

void cb_run(uint32_t* out) {
    rng_state = 2463534242u;
    for (int i = 0; i < 1024; i++) buf[i] = (uint8_t)rng();
    out[0] = crc32_update(0, buf, 1024);
    for (int i = 0; i < 256; i++) words[i] = rng();
    sort_u32(words, 256);
    uint32_t acc = 0;
    for (int i = 0; i < 256; i++) acc = acc * 31 + words[i];
    out[1] = acc;
    int64_t s = 0;
    for (int i = 1; i < 200; i++) {
        const uint32_t x = rng(), y = rng(), z = rng();
        s += div_mix((int64_t)x * (int32_t)y, (int32_t)(z % 1000) - 500);
    }
    out[2] = (uint32_t)s;
    out[3] = (uint32_t)(s >> 32);
    for (int i = 0; i < 64; i++) {
        halves[i] = (uint16_t)(rng() >> 7);
        bytes[i] = (int8_t)rng();
    }
    int32_t t = 0;
    for (int i = 0; i < 64; i++) t += bytes[i] * (int32_t)halves[63 - i] - (halves[i] >> (i & 7));
    out[4] = (uint32_t)t;
    out[5] = str_hash("the quick brown fox jumps over the lazy dog 0123456789");
    uint64_t u = 0xfedcba9876543210ull;
    for (int i = 0; i < 100; i++) u = (u * 6364136223846793005ull + 1442695040888963407ull) ^ (u >> 29);
    out[6] = (uint32_t)u;
    out[7] = (uint32_t)(u / 1000003u);
    uint32_t bits = 0;
    for (uint32_t v = 1; v < 5000; v += 7) bits += (uint32_t)__builtin_popcount(v) + (uint32_t)__builtin_clz(v);
    out[8] = bits;
    char text[64];
    uint32_t h = 0;
    for (uint32_t v = 1; v < 3000000000u; v = v * 3 + 7) {
        int n = utoa_dec(v, text);
        h = h * 131 + str_hash(text) + (uint32_t)n;
    }
    out[9] = h;
    uint32_t c = 0;
    for (uint32_t v = 0; v < 500; v++) c = c * 7 + classify(v * 2654435761u);
    out[10] = c;
    struct big bg;
    for (int i = 0; i < 9; i++) bg.a[i] = (uint32_t)i * 0x01010101u;
    bg.h = 0x1234;
    bg.b[0] = 1; bg.b[1] = 2; bg.b[2] = 3;
    struct big r2 = copy_big(copy_big(bg));
    out[11] = r2.a[3] + r2.a[8] + r2.h + r2.b[1];
    out[12] = fib(20);
    static const op_fn ops[3] = {op_a, op_b, op_c};
    uint32_t w = 1;
    for (int i = 0; i < 300; i++) w = ops[w % 3](w);
    out[13] = w;
    uint8_t src[67], dst[70];
    for (int i = 0; i < 67; i++) src[i] = (uint8_t)(i * 37);
    my_memcpy(dst + 3, src + 1, 60);
    uint32_t un = 0;
    for (int i = 0; i < 60; i += 4) { uint32_t x; __builtin_memcpy(&x, dst + 3 + i, 4); un ^= x + (uint32_t)i; }
    out[14] = un;
    int64_t sx = -1234567890123ll;
    uint64_t ux = 0x8000000000000001ull;
    out[15] = (uint32_t)((sx >> 7) ^ (int64_t)(ux >> 3) ^ (int64_t)(ux << 13) ^ (sx * 3 / 5));
}
