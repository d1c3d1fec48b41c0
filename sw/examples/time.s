# time: asks GETTIME for the wall clock and GETTZ for the host's time zone
# at that instant, and prints
#   seconds=S          (low word of the seconds since 1970)
#   utc_offset=O       (seconds east of UTC)
#   tz=ABBREV
# then exits with status 0; a failed request gets "time: errno N" on stderr
# and status 1. s32sim's clock is simulated time plus a start epoch, so with
# --epoch fixed the output is reproducible.
#
# Canonical run (time.expected): `s32sim --epoch 1700000000 time.s32x` with
# TZ=UTC in s32sim's environment.

        .equ    TZ_OFFSET, 0
        .equ    TZ_ABBREV, 8

        .text
        .globl  _start
_start:
        la      r3, clock
        call    ring_gettime
        bne     r1, r0, 1f
        la      r5, clock
        ldw     r3, r5+0
        ldw     r4, r5+4
        la      r5, zone
        call    ring_gettz
        bne     r1, r0, 1f

        la      r3, seconds_label
        call    ring_puts
        la      r5, clock
        ldw     r3, r5+0
        call    ring_put_uint
        la      r3, offset_label
        call    ring_puts
        la      r5, zone
        ldw     r3, r5+TZ_OFFSET
        call    ring_put_int
        la      r3, tz_label
        call    ring_puts
        la      r3, zone+TZ_ABBREV
        call    ring_puts
        li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit

1:      la      r3, failed
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

        .section .rodata
seconds_label:
        .asciz  "seconds="
offset_label:
        .asciz  "\nutc_offset="
tz_label:
        .asciz  "\ntz="
failed:
        .asciz  "time: "

        .bss
        .p2align 2
clock:
        .zero   16
zone:
        # The 16-byte record and a NUL after it: an abbreviation may fill
        # all 8 bytes without its own.
        .zero   20
