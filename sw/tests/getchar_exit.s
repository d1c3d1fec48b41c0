# getchar_exit: submits a GETCHAR and, without waiting for it, EXIT 3. The
# EXIT is served after the GETCHAR, so the run ends (status 3) once a byte
# or the end of stdin arrives, or at a stop from outside.

        .text
        .globl  _start
_start:
        li      r3, 0x02                # GETCHAR
        li      r4, 1
        li      r5, 0
        li      r6, 0
        call    ring_submit
        li      r3, 3
        call    ring_exit
