# file_roundtrip: the file services end to end, in the sandbox's working
# directory. Creates roundtrip.txt (OPEN read|write|create|truncate), writes
# a known text, SEEKs back to 0 and reads it back, reopens it read-only and
# reads it again, STATs its size, RENAMEs it to renamed.txt, checks that the
# old name no longer opens (ENOENT), UNLINKs the new name and checks that it
# is gone. One line per step on stdout, then "ok", status 0; the first step
# that fails gets "STEP: failed, errno N" on stderr and status 1. Nothing
# is left behind.
#
# Canonical run (file_roundtrip.expected): no arguments, an empty sandbox.

        .equ    O_READ, 0x01
        .equ    O_WRITE, 0x02
        .equ    O_CREATE, 0x08
        .equ    O_TRUNC, 0x10
        .equ    ENOENT, 2
        .equ    STAT_SIZE_LO, 40
        .equ    STAT_SIZE_HI, 44
        .equ    TEXT_LEN, 45

        .text
        .globl  _start
_start:
        # create
        la      r3, old_name
        li      r4, O_READ+O_WRITE+O_CREATE+O_TRUNC
        call    ring_open
        la      r3, s_create
        call    check
        mv      r11, r1                 # fd
        la      r3, s_create
        la      r4, w_fd
        mv      r5, r1
        la      r6, m_empty
        call    say_num

        # write
        mv      r3, r11
        la      r4, text
        li      r5, TEXT_LEN
        call    ring_write
        la      r3, s_write
        call    check
        li      r4, TEXT_LEN
        bne     r1, r4, short_write
        la      r3, s_write
        la      r4, m_empty
        mv      r5, r1
        la      r6, w_bytes
        call    say_num

        # seek back to the start
        mv      r3, r11
        li      r4, 0
        li      r5, 0                   # whence: from the start
        call    ring_seek
        la      r3, s_seek
        call    check
        la      r3, s_seek
        la      r4, w_position
        mv      r5, r1
        la      r6, m_empty
        call    say_num

        # read back through the same descriptor
        mv      r3, r11
        la      r4, s_read
        call    read_compare
        mv      r3, r11
        call    ring_close
        la      r3, s_close
        call    check

        # reopen read-only and read again
        la      r3, old_name
        li      r4, O_READ
        call    ring_open
        la      r3, s_reopen
        call    check
        mv      r11, r1
        mv      r3, r1
        la      r4, s_reopen
        call    read_compare
        mv      r3, r11
        call    ring_close
        la      r3, s_close
        call    check

        # stat: the size is the u64 at offset 40; its high word must be 0
        la      r3, old_name
        la      r4, stat_record
        call    ring_stat
        la      r3, s_stat
        call    check
        la      r5, stat_record
        ldw     r4, r5+STAT_SIZE_HI
        bne     r4, r0, bad_size
        ldw     r4, r5+STAT_SIZE_LO
        li      r6, TEXT_LEN
        bne     r4, r6, bad_size
        la      r3, s_stat
        la      r4, w_size
        mv      r5, r6
        la      r6, m_empty
        call    say_num

        # rename
        la      r3, old_name
        la      r4, new_name
        call    ring_rename
        la      r3, s_rename
        call    check
        la      r3, s_rename
        call    say_ok

        # the old name is gone
        la      r3, old_name
        li      r4, O_READ
        call    ring_open
        li      r4, -1
        bne     r1, r4, still_there
        la      r3, s_open_old
        call    say_errno

        # unlink, and the new name is gone too
        la      r3, new_name
        call    ring_unlink
        la      r3, s_unlink
        call    check
        la      r3, s_unlink
        call    say_ok
        la      r3, new_name
        la      r4, stat_record
        call    ring_stat
        li      r4, -1
        bne     r1, r4, not_unlinked
        la      r3, s_stat_new
        call    say_errno

        la      r3, s_ok
        call    ring_puts
        li      r3, 0
        call    ring_exit

short_write:
        la      r3, s_write
        la      r4, m_short
        j       die
bad_size:
        la      r3, s_stat
        la      r4, m_size
        j       die
still_there:
        la      r3, s_open_old
        la      r4, m_exists
        j       die
not_unlinked:
        la      r3, s_stat_new
        la      r4, m_exists
        j       die

# read_compare(r3 = fd, r4 = step name): reads up to 64 bytes and requires
# exactly the text; prints "STEP: N bytes, same text"
read_compare:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        mv      r11, r4
        la      r4, read_buffer
        li      r5, 64
        call    ring_read
        mv      r3, r11
        call    check
        li      r4, TEXT_LEN
        bne     r1, r4, 1f
        la      r3, read_buffer
        add     r4, r3, r1
        stb     r4+0, r0
        la      r4, text
        call    strcmp
        bne     r1, r0, 1f
        mv      r3, r11
        la      r4, m_empty
        li      r5, TEXT_LEN
        la      r6, w_same
        call    say_num
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
1:      mv      r3, r11
        la      r4, m_differs
        j       die

# check(r1 = result, r3 = step name) -> r1 unchanged: a result of -1 ends
# the program with "STEP: failed, errno N" on stderr and status 1
check:
        li      r4, -1
        beq     r1, r4, 1f
        ret
1:      la      r4, errno
        ldw     r4, r4+0
        j       fail_errno

# say_num(r3 = step name, r4 = before, r5 = number, r6 = after):
# "STEP: BEFORE N AFTER\n" (before and after bring their own spaces)
say_num:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r4
        stw     sp+4, r5
        stw     sp+0, r6
        call    ring_puts
        la      r3, m_colon
        call    ring_puts
        ldw     r3, sp+8
        call    ring_puts
        ldw     r3, sp+4
        call    ring_put_uint
        ldw     r3, sp+0
        call    ring_puts
        la      r3, m_newline
        call    ring_puts
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret

# say_ok(r3 = step name): "STEP: ok\n"
say_ok:
        addi    sp, sp, -16
        stw     sp+12, lr
        call    ring_puts
        la      r3, m_ok
        call    ring_puts
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret

# say_errno(r3 = step name): "STEP: errno 2\n" when the last request failed
# with ENOENT; any other errno is a failure of the step
say_errno:
        la      r4, errno
        ldw     r4, r4+0
        li      r5, ENOENT
        bne     r4, r5, fail_errno
        addi    sp, sp, -16
        stw     sp+12, lr
        call    ring_puts
        la      r3, m_errno
        call    ring_puts
        li      r3, ENOENT
        call    ring_put_uint
        la      r3, m_newline
        call    ring_puts
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret

# fail_errno(r3 = step name, r4 = errno): never returns
fail_errno:
        mv      r11, r3
        mv      r12, r4
        call    ring_eputs
        la      r3, m_failed
        call    ring_eputs
        li      r3, 2
        mv      r4, r12
        call    ring_fput_uint
        la      r3, m_newline
        call    ring_eputs
        li      r3, 1
        call    ring_exit

# die(r3 = step name, r4 = reason): "STEP: REASON\n" on stderr, status 1
die:
        mv      r11, r4
        call    ring_eputs
        la      r3, m_colon
        call    ring_eputs
        mv      r3, r11
        call    ring_eputs
        la      r3, m_newline
        call    ring_eputs
        li      r3, 1
        call    ring_exit

        .section .rodata
old_name:       .asciz  "roundtrip.txt"
new_name:       .asciz  "renamed.txt"
text:           .asciz  "The quick brown fox jumps over the lazy dog.\n"
s_create:       .asciz  "create roundtrip.txt"
s_write:        .asciz  "write"
s_seek:         .asciz  "seek to 0"
s_read:         .asciz  "read back"
s_close:        .asciz  "close"
s_reopen:       .asciz  "reopen read-only"
s_stat:         .asciz  "stat"
s_rename:       .asciz  "rename to renamed.txt"
s_open_old:     .asciz  "open roundtrip.txt"
s_unlink:       .asciz  "unlink renamed.txt"
s_stat_new:     .asciz  "stat renamed.txt"
s_ok:           .asciz  "ok\n"
m_colon:        .asciz  ": "
m_newline:      .asciz  "\n"
m_ok:           .asciz  ": ok\n"
m_errno:        .asciz  ": errno "
m_failed:       .asciz  ": failed, errno "
m_empty:        .asciz  ""
w_fd:           .asciz  "fd "
w_bytes:        .asciz  " bytes"
w_position:     .asciz  "position "
w_size:         .asciz  "size "
w_same:         .asciz  " bytes, same text"
m_short:        .asciz  "short write"
m_size:         .asciz  "wrong size"
m_exists:       .asciz  "still exists"
m_differs:      .asciz  "text differs"

        .bss
        .p2align 2
stat_record:    .zero   112
read_buffer:    .zero   68
