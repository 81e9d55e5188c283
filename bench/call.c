/* Benchmark "call": calls, returns and stack traffic — doubly recursive
 * Fibonacci, a bytecode interpreter that dispatches every operation through
 * a table of function pointers, a generic quicksort with a comparator
 * function pointer, and recursive insertion/walks of a binary search tree.
 * One iteration is about 6 M instructions (Bochs count); `n=` sets the count.
 * noipa keeps GCC from cloning or inlining across these calls: the point
 * is the CALL/RET and indirect-call traffic. */
#include "bench.h"

#define NOIPA __attribute__((noipa))

/* ---- Recursive Fibonacci (not turned into a loop: both calls are real). */
NOIPA static uint64_t fib(uint64_t n)
{
    if (n < 2)
        return n;
    uint64_t a = fib(n - 1);
    BENCH_OPAQUE(a);
    uint64_t b = fib(n - 2);
    BENCH_OPAQUE(b);
    return a + b;
}

/* ---- Bytecode interpreter: a stack machine, one indirect call per op. */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR,
       OP_DUP, OP_JNZ, OP_JMP, OP_CALL, OP_RET, OP_HALT, OP_COUNT };

struct vm {
    const int32_t *code;
    uint32_t pc, sp, rsp;
    bool halted;
    int64_t stack[64];
    uint32_t rstack[16];
    int64_t vars[8];
};

typedef void (*op_fn)(struct vm *);
NOIPA static void op_push(struct vm *v)  { v->stack[v->sp++] = v->code[v->pc++]; }
NOIPA static void op_load(struct vm *v)  { v->stack[v->sp++] = v->vars[v->code[v->pc++]]; }
NOIPA static void op_store(struct vm *v) { v->vars[v->code[v->pc++]] = v->stack[--v->sp]; }
NOIPA static void op_add(struct vm *v)   { v->sp--; v->stack[v->sp - 1] += v->stack[v->sp]; }
NOIPA static void op_sub(struct vm *v)   { v->sp--; v->stack[v->sp - 1] -= v->stack[v->sp]; }
NOIPA static void op_mul(struct vm *v)   { v->sp--; v->stack[v->sp - 1] *= v->stack[v->sp]; }
NOIPA static void op_xor(struct vm *v)   { v->sp--; v->stack[v->sp - 1] ^= v->stack[v->sp]; }
NOIPA static void op_shr(struct vm *v)   { v->stack[v->sp - 1] = (int64_t)((uint64_t)v->stack[v->sp - 1] >> v->code[v->pc++]); }
NOIPA static void op_dup(struct vm *v)   { v->stack[v->sp] = v->stack[v->sp - 1]; v->sp++; }
NOIPA static void op_jnz(struct vm *v)   { int32_t t = v->code[v->pc++]; if (v->stack[--v->sp]) v->pc = (uint32_t)t; }
NOIPA static void op_jmp(struct vm *v)   { v->pc = (uint32_t)v->code[v->pc]; }
NOIPA static void op_call(struct vm *v)  { int32_t t = v->code[v->pc++]; v->rstack[v->rsp++] = v->pc; v->pc = (uint32_t)t; }
NOIPA static void op_ret(struct vm *v)   { v->pc = v->rstack[--v->rsp]; }
NOIPA static void op_halt(struct vm *v)  { v->halted = true; }

static const op_fn dispatch[OP_COUNT] = {
    op_push, op_load, op_store, op_add, op_sub, op_mul, op_xor, op_shr,
    op_dup, op_jnz, op_jmp, op_call, op_ret, op_halt,
};

/* var0 = counter, var1 = hash, var2 = input.
 *   counter = input; hash = 7;
 *   loop: mix(); counter -= 1; if counter: goto loop; halt
 *   mix: hash = ((hash ^ counter) * 0x5bd1e995) ^ (that >> 13); ret */
static const int32_t code[] = {
    /*  0 */ OP_LOAD, 2, OP_STORE, 0,
    /*  4 */ OP_PUSH, 7, OP_STORE, 1,
    /*  8 */ OP_CALL, 21,
    /* 10 */ OP_LOAD, 0, OP_PUSH, 1, OP_SUB,
    /* 15 */ OP_DUP, OP_STORE, 0,
    /* 18 */ OP_JNZ, 8,
    /* 20 */ OP_HALT,
    /* 21 */ OP_LOAD, 1, OP_LOAD, 0, OP_XOR,
    /* 26 */ OP_PUSH, 0x5bd1e995, OP_MUL,
    /* 29 */ OP_DUP, OP_SHR, 13, OP_XOR,
    /* 33 */ OP_STORE, 1, OP_RET,
};

NOIPA static int64_t vm_run(int64_t input)
{
    struct vm v = { .code = code };
    v.vars[2] = input;
    while (!v.halted)
        dispatch[v.code[v.pc++]](&v);
    return v.vars[1];
}

/* ---- Generic quicksort with a comparator (like libc qsort). */
typedef int (*cmp_fn)(const void *, const void *);

NOIPA static void swap_bytes(uint8_t *a, uint8_t *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        uint8_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

NOIPA static void quicksort(void *base, size_t n, size_t size, cmp_fn cmp)
{
    uint8_t *a = base;
    while (n > 8) {
        /* median of three into a[0] */
        uint8_t *lo = a, *mid = a + (n / 2) * size, *hi = a + (n - 1) * size;
        if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
        if (cmp(hi, lo) < 0) swap_bytes(hi, lo, size);
        if (cmp(hi, mid) < 0) swap_bytes(hi, mid, size);
        swap_bytes(a, mid, size);
        size_t i = 1, j = n - 1;
        for (;;) {
            while (i < n && cmp(a + i * size, a) < 0) i++;
            while (cmp(a + j * size, a) > 0) j--;
            if (i >= j) break;
            swap_bytes(a + i * size, a + j * size, size);
            i++;
            j--;
        }
        swap_bytes(a, a + j * size, size);
        /* recurse on the smaller part, loop on the larger */
        if (j < n - j - 1) {
            quicksort(a, j, size, cmp);
            a += (j + 1) * size;
            n -= j + 1;
        } else {
            quicksort(a + (j + 1) * size, n - j - 1, size, cmp);
            n = j;
        }
    }
    for (size_t i = 1; i < n; i++)                 /* insertion sort */
        for (size_t k = i; k > 0 && cmp(a + (k - 1) * size, a + k * size) > 0; k--)
            swap_bytes(a + (k - 1) * size, a + k * size, size);
}

struct rec { uint32_t key; uint32_t tag; };

NOIPA static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

NOIPA static int cmp_rec(const void *x, const void *y)
{
    const struct rec *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->tag > b->tag) - (a->tag < b->tag);
}

#define SORT_N 4096
static uint32_t keys[SORT_N];
static struct rec recs[SORT_N / 2];

/* ---- Binary search tree: recursive insert, recursive fold. */
#define TREE_N 4096
struct node { struct node *l, *r; uint64_t key; };
static struct node nodes[TREE_N];

NOIPA static struct node *tree_insert(struct node *t, struct node *x)
{
    if (!t)
        return x;
    if (x->key < t->key) t->l = tree_insert(t->l, x);
    else t->r = tree_insert(t->r, x);
    return t;
}

NOIPA static uint64_t tree_fold(const struct node *t, uint64_t depth)
{
    if (!t)
        return depth;
    uint64_t a = tree_fold(t->l, depth + 1);
    uint64_t b = tree_fold(t->r, depth + 1);
    return (a * 31 + t->key) ^ b;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return *s = x;
}

int kmain(struct multiboot_info *mb)
{
    (void)mb;
    uint64_t n = bench_arg_n(47);
    uint64_t t0 = bench_tsc();

    uint64_t sum = 0, seed = 0x853c49e6748fea9bull;
    for (uint64_t it = 0; it < n; it++) {
        sum = bench_mix(sum, fib(22 + (it & 1)));
        sum = bench_mix(sum, (uint64_t)vm_run(4000 + (int64_t)(it & 7)));

        for (int i = 0; i < SORT_N; i++)
            keys[i] = (uint32_t)xorshift(&seed);
        quicksort(keys, SORT_N, sizeof(keys[0]), cmp_u32);
        for (int i = 0; i < SORT_N / 2; i++)
            recs[i] = (struct rec){ (uint32_t)xorshift(&seed) & 1023, (uint32_t)i };
        quicksort(recs, SORT_N / 2, sizeof(recs[0]), cmp_rec);
        uint64_t h = 0;
        for (int i = 0; i < SORT_N; i += 7)
            h = h * 1000003 + keys[i];
        for (int i = 0; i < SORT_N / 2; i += 5)
            h = h * 1000003 + recs[i].tag;
        sum = bench_mix(sum, h);

        struct node *root = NULL;
        for (int i = 0; i < TREE_N; i++) {
            nodes[i] = (struct node){ NULL, NULL, xorshift(&seed) >> 40 };
            root = tree_insert(root, &nodes[i]);
        }
        sum = bench_mix(sum, tree_fold(root, 0));
    }

    uint64_t t1 = bench_tsc();
    return bench_report("call", n, sum, t1 - t0);
}
