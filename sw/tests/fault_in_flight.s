# fault_in_flight: submits GETCHAR without waiting for it, then executes an
# illegal opcode (0x7E) before the response is due. With a stdin nobody writes to, the request
# is still blocked in the host when the run ends: s32sim must end all the
# same (exit status 132), its host thread joined.
        .text
        .globl  _start
_start:
        li      r3, 0x02                # GETCHAR
        li      r4, 1
        li      r5, 0
        li      r6, 0
        call    ring_submit
        # About 100 cycles: the device has started the request, and its
        # modelled latency (at least 400 cycles) has not passed.
        li      r5, 50
1:      addi    r5, r5, -1
        bne     r5, r0, 1b
        .word   0x0000007E
        li      r3, 0
        call    ring_exit
