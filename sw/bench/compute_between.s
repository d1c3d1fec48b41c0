# compute_between: N one-byte WRITE requests to stdout (first argument,
# default 100), the bytes cycling through 'a'..'z', then one "\n"; status 0,
# or 1 when a write fails. Unlike latency, each request is submitted
# without waiting (ring_submit), then the guest computes for K iterations
# of a 2-cycle loop (second argument, default 500) before it waits for the
# response (ring_wait_response). A device started by the doorbell serves
# the request during the computation; one started only by YIELD cannot
# begin before the computation ends, so the round trip shows the overlap.

        .equ    OP_WRITE, 0x03

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r15, r1                 # argc
        mv      r16, r2                 # argv
        mv      r3, r1
        mv      r4, r2
        li      r5, 1
        li      r6, 100
        call    arg_count
        mv      r11, r1                 # requests
        mv      r3, r15
        mv      r4, r16
        li      r5, 2
        li      r6, 500
        call    arg_count
        mv      r17, r1                 # iterations between submit and wait
        li      r12, 0                  # sent
        li      r13, 'a'                # next byte
        li      r14, 'z'
1:      bgeu    r12, r11, 8f
        call    ring_data
        stb     r1+0, r13
        li      r3, OP_WRITE
        li      r4, 1
        li      r5, 0
        li      r6, 1                   # fd: stdout
        call    ring_submit
        mv      r5, r17
        beq     r5, r0, 3f
2:      addi    r5, r5, -1
        bne     r5, r0, 2b
3:      call    ring_wait_response
        li      r4, 1
        bne     r1, r4, 9f
        addi    r13, r13, 1
        bge     r14, r13, 4f
        li      r13, 'a'
4:      addi    r12, r12, 1
        j       1b
8:      li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit
9:      li      r3, 1
        call    ring_exit
