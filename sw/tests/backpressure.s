# backpressure: 1,200 one-byte WRITEs to stdout in bursts of 400, each burst
# submitted, and none of its responses consumed until the response ring
# (255 entries) is full, so the device must wait for room. Request i writes
# data-buffer byte i ('a' + i mod 26); each response must come back in order
# (its offset field is i) with status 1. Exit 0, or 1 after "backpressure:
# response N out of order" on stderr.

        .equ    OP_WRITE, 0x03
        .equ    TOTAL, 1200
        .equ    BURST, 400

        .text
        .globl  _start
_start:
        call    ring_data
        mv      r11, r1
        li      r12, 0
        li      r13, 'a'
1:      add     r2, r11, r12
        stb     r2+0, r13
        addi    r13, r13, 1
        li      r4, 123                 # past 'z'
        bne     r13, r4, 2f
        li      r13, 'a'
2:      addi    r12, r12, 1
        li      r4, TOTAL
        bne     r12, r4, 1b
        li      r12, 0                  # next request to submit
        li      r14, 0                  # next response to consume
3:      addi    r15, r12, BURST
4:      li      r3, OP_WRITE
        li      r4, 1
        mv      r5, r12
        li      r6, 1
        call    ring_submit
        addi    r12, r12, 1
        bne     r12, r15, 4b
        # Consume nothing until the response ring is full (255 posted)...
        la      r7, __mmio_base
        lui     r2, 2
        add     r2, r2, r7
8:      ldw     r8, r2+0
        ldw     r9, r2+4
        sub     r8, r8, r9
        andi    r8, r8, 255
        li      r4, 255
        beq     r8, r4, 9f
        yield
        j       8b
        # And hold off a while longer, so the device finds the ring full:
        # about 200,000 cycles, 500 modelled WRITEs; under --host-latency
        # measured simulated time cannot outrun the host, so that is at
        # least 2 ms of the host's time too, where a one-byte WRITE takes
        # some 35 us (2,000 cycles, which this wait once was, were not
        # always enough there).
9:      li      r5, 100000
10:     addi    r5, r5, -1
        bne     r5, r0, 10b
5:      la      r7, __mmio_base
        lui     r2, 2                   # + 0x2000: RESP_HEAD, RESP_TAIL
        add     r2, r2, r7
6:      ldw     r8, r2+0
        ldw     r9, r2+4
        bne     r8, r9, 7f
        yield
        j       6b
7:      slli    r10, r9, 4
        add     r10, r10, r2
        lui     r3, 1                   # + 0x1000: the response ring
        add     r10, r10, r3
        ldw     r3, r10+8
        bne     r3, r14, bad
        ldw     r3, r10+12
        li      r4, 1
        bne     r3, r4, bad
        addi    r9, r9, 1
        andi    r9, r9, 255
        stw     r2+4, r9
        addi    r14, r14, 1
        bne     r14, r12, 5b
        li      r4, TOTAL
        bne     r12, r4, 3b
        li      r3, 0
        call    ring_exit
bad:
        la      r3, out_of_order
        call    ring_eputs
        li      r3, 2
        mv      r4, r14
        call    ring_fput_uint
        la      r3, tail
        call    ring_eputs
        li      r3, 1
        call    ring_exit

        .section .rodata
out_of_order:
        .asciz  "backpressure: response "
tail:
        .asciz  " out of order\n"
