# fault_assert: an ASSERT_EQ that holds, then one that fails. Exit status 134.
        .text
        .globl  _start
_start:
        li      r5, 7
        li      r6, 7
        assert_eq r5, r6
        li      r6, 8
        assert_eq r5, r6
        li      r1, 0
        halt
