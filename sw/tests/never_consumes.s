# never_consumes: submits 300 one-byte WRITEs ("x") and never consumes a
# response, then HALTs with status 0. The response ring holds 255: the
# device waits for room until the HALT, then serves the rest, dropping
# their responses, and the run ends.

        .equ    OP_WRITE, 0x03
        .equ    COUNT, 300

        .text
        .globl  _start
_start:
        call    ring_data
        li      r2, 'x'
        stb     r1+0, r2
        li      r11, COUNT
1:      li      r3, OP_WRITE
        li      r4, 1
        li      r5, 0
        li      r6, 1
        call    ring_submit
        addi    r11, r11, -1
        bne     r11, r0, 1b
        li      r1, 0
        halt
