# Memory and string helpers the ring library and the programs share.

        .text

# strlen(r3 = s) -> r1 = length
        .globl  strlen
        .type   strlen,@function
strlen:
        mv      r1, r3
1:      ldbu    r4, r1+0
        beq     r4, r0, 2f
        addi    r1, r1, 1
        j       1b
2:      sub     r1, r1, r3
        ret
        .size   strlen, .-strlen

# memcpy(r3 = dst, r4 = src, r5 = n) -> r1 = dst. Words when both pointers
# are word-aligned, bytes for the rest.
        .globl  memcpy
        .type   memcpy,@function
memcpy:
        mv      r1, r3
        or      r6, r3, r4
        andi    r6, r6, 3
        bne     r6, r0, 3f
        li      r7, 4
1:      bltu    r5, r7, 3f
        ldw     r6, r4+0
        stw     r3+0, r6
        addi    r3, r3, 4
        addi    r4, r4, 4
        addi    r5, r5, -4
        j       1b
3:      beq     r5, r0, 4f
        ldbu    r6, r4+0
        stb     r3+0, r6
        addi    r3, r3, 1
        addi    r4, r4, 1
        addi    r5, r5, -1
        j       3b
4:      ret
        .size   memcpy, .-memcpy

# memset(r3 = dst, r4 = byte, r5 = n) -> r1 = dst
        .globl  memset
        .type   memset,@function
memset:
        mv      r1, r3
1:      beq     r5, r0, 2f
        stb     r3+0, r4
        addi    r3, r3, 1
        addi    r5, r5, -1
        j       1b
2:      ret
        .size   memset, .-memset

# strcmp(r3 = a, r4 = b) -> r1 < 0, 0 or > 0
        .globl  strcmp
        .type   strcmp,@function
strcmp:
1:      ldbu    r5, r3+0
        ldbu    r6, r4+0
        bne     r5, r6, 2f
        beq     r5, r0, 2f
        addi    r3, r3, 1
        addi    r4, r4, 1
        j       1b
2:      sub     r1, r5, r6
        ret
        .size   strcmp, .-strcmp

# utoa(r3 = value (unsigned), r4 = buffer of at least 11 bytes)
#   -> r1 = address of the NUL-terminated decimal digits inside the buffer.
# SLOW-32 has only signed DIV/REM, so the top bit is split off first.
        .globl  utoa
        .type   utoa,@function
utoa:
        addi    r1, r4, 10
        stb     r1+0, r0
        li      r6, 10
        bge     r3, r0, 2f
        # value >= 2^31: peel one digit with a signed-safe halving,
        # q = (v >> 1) / 5, digit = v - 10 q.
        srli    r7, r3, 1
        li      r8, 5
        div     r7, r7, r8
        mul     r8, r7, r6
        sub     r8, r3, r8
        addi    r8, r8, '0'
        addi    r1, r1, -1
        stb     r1+0, r8
        mv      r3, r7
2:      rem     r5, r3, r6
        div     r3, r3, r6
        addi    r5, r5, '0'
        addi    r1, r1, -1
        stb     r1+0, r5
        bne     r3, r0, 2b
        ret
        .size   utoa, .-utoa
