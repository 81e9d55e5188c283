/* A tiny test harness for the host unit tests: each test is a function
 * taking a struct tcase; it prints "PASS name" or "FAIL name: why". */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct tcase {
    const char *name;
    bool failed;
    char why[400];
};

/* Records the first failure of a test case. */
#define EXPECT(t, cond)                                                       \
    do {                                                                      \
        if (!(cond) && !(t)->failed) {                                        \
            (t)->failed = true;                                               \
            snprintf((t)->why, sizeof (t)->why, "line %d: %.300s", __LINE__, #cond); \
        }                                                                     \
    } while (0)

#define EXPECT_EQ(t, a, b)                                                    \
    do {                                                                      \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
        if (a_ != b_ && !(t)->failed) {                                       \
            (t)->failed = true;                                               \
            snprintf((t)->why, sizeof (t)->why, "line %d: %.200s is %#llx, expected %#llx", \
                     __LINE__, #a, a_, b_);                                   \
        }                                                                     \
    } while (0)

#define EXPECT_STR(t, a, b)                                                   \
    do {                                                                      \
        const char *a_ = (a), *b_ = (b);                                      \
        if ((!a_ || strcmp(a_, b_) != 0) && !(t)->failed) {                   \
            (t)->failed = true;                                               \
            snprintf((t)->why, sizeof (t)->why, "line %d: %.60s is \"%.120s\", expected \"%.120s\"", \
                     __LINE__, #a, a_ ? a_ : "(null)", b_);                   \
        }                                                                     \
    } while (0)

struct test {
    const char *name;
    void (*fn)(struct tcase *t);
};

/* Runs every test in the table; returns the exit status (1 if any failed). */
static inline int run_tests(const struct test *tests, int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        struct tcase t = { .name = tests[i].name };
        tests[i].fn(&t);
        if (t.failed)
            printf("FAIL %s: %s\n", t.name, t.why);
        else
            printf("PASS %s\n", t.name);
        fflush(stdout);
        failed += t.failed;
    }
    return failed ? 1 : 0;
}

#define TEST(fn) { #fn, fn }
#define RUN_TESTS(table) run_tests(table, (int)(sizeof table / sizeof table[0]))

#endif
