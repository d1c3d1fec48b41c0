# fault_after_write: publishes a WRITE of "late\n" without waiting for its
# response, then executes an illegal opcode a few cycles later. The device
# acts up to the fault cycle in every mode, so the line is printed in fast
# and cycle-stepped mode alike; the exit status is 132.
        .text
        .globl  _start
_start:
        call    ring_data
        li      r2, 0x6574616c          # "late"
        stw     r1+0, r2
        li      r2, 10
        stb     r1+4, r2
        li      r3, 0x03                # WRITE
        li      r4, 5
        li      r5, 0                   # data buffer offset
        li      r6, 1                   # stdout
        call    ring_submit
        nop
        nop
        nop
        nop
        .word   0x0000007E
        li      r3, 0
        call    ring_exit
