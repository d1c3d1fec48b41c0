# latency: N one-byte WRITE requests to stdout (first argument, default
# 2000), the bytes cycling through 'a'..'z', then one "\n"; status 0. Each
# request waits for its response before the next, so the run measures the
# round trip of small requests (see latency_cycles in --stats-json).

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r3, r1
        mv      r4, r2
        li      r5, 1
        li      r6, 2000
        call    arg_count
        mv      r11, r1                 # requests
        li      r12, 0                  # sent
        li      r13, 'a'                # next byte
        li      r14, 'z'
1:      bgeu    r12, r11, 3f
        mv      r3, r13
        call    ring_putc
        li      r4, 1
        bne     r1, r4, 4f
        addi    r13, r13, 1
        bge     r14, r13, 2f
        li      r13, 'a'
2:      addi    r12, r12, 1
        j       1b
3:      li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit
4:      li      r3, 1
        call    ring_exit
