# sleep_then_halt: queues a 30 s SLEEP and HALTs at once, so the device is
# still draining it (3,000,000,000 cycles at 100 MHz) after HALT; a
# --max-cycles limit must stop the run there too.
        .text
        .globl  _start
_start:
        call    ring_data
        li      r2, 30                  # seconds
        stw     r1+0, r2
        stw     r1+4, r0
        stw     r1+8, r0                # nanoseconds
        li      r3, 0x31                # SLEEP
        li      r4, 16
        li      r5, 0
        li      r6, 0
        call    ring_submit
        halt
