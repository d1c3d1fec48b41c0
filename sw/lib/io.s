# Host services over the ring: console, files, directories, time, arguments
# and environment. Each wraps ring_request (ring.s); payloads travel through
# the data buffer at offset 0. Errors return -1 with errno set.

        .equ    OP_GETCHAR, 0x02
        .equ    OP_WRITE, 0x03
        .equ    OP_READ, 0x04
        .equ    OP_OPEN, 0x05
        .equ    OP_CLOSE, 0x06
        .equ    OP_SEEK, 0x07
        .equ    OP_STAT, 0x0A
        .equ    OP_UNLINK, 0x20
        .equ    OP_RENAME, 0x21
        .equ    OP_OPENDIR, 0x28
        .equ    OP_READDIR, 0x29
        .equ    OP_CLOSEDIR, 0x2A
        .equ    OP_GETTIME, 0x30
        .equ    OP_GETTZ, 0x35
        .equ    OP_ARGS_INFO, 0x60
        .equ    OP_ARGS_DATA, 0x61
        .equ    OP_GETENV, 0x64
        .equ    DATA_SIZE, 49152

        .text

# ring_write(r3 = fd, r4 = buf, r5 = n) -> r1 = bytes written or -1.
# Payloads larger than the data buffer go in several requests.
        .globl  ring_write
        .type   ring_write,@function
ring_write:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        stw     sp+8, r15
        mv      r11, r3                 # fd
        mv      r12, r4                 # next byte to send
        mv      r13, r5                 # bytes left
        li      r14, 0                  # bytes written
1:      beq     r13, r0, 3f
        li      r15, DATA_SIZE
        bgeu    r13, r15, 2f
        mv      r15, r13                # chunk = min(left, DATA_SIZE)
2:      call    ring_data
        mv      r3, r1
        mv      r4, r12
        mv      r5, r15
        call    memcpy
        li      r3, OP_WRITE
        mv      r4, r15
        li      r5, 0
        mv      r6, r11
        call    ring_request
        li      r4, -1
        beq     r1, r4, 4f
        add     r14, r14, r1
        add     r12, r12, r1
        sub     r13, r13, r1
        bltu    r1, r15, 3f             # a short write ends it
        j       1b
3:      mv      r1, r14
4:      ldw     r15, sp+8
        ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_write, .-ring_write

# ring_read(r3 = fd, r4 = buf, r5 = n) -> r1 = bytes read (0 at end of
# file) or -1. One request of at most the data buffer's size.
        .globl  ring_read
        .type   ring_read,@function
ring_read:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        mv      r11, r4
        li      r6, DATA_SIZE
        bltu    r5, r6, 1f
        mv      r5, r6
1:      mv      r6, r3
        mv      r4, r5
        li      r3, OP_READ
        li      r5, 0
        call    ring_request
        li      r4, -1
        beq     r1, r4, 2f
        stw     sp+4, r1
        call    ring_data
        mv      r4, r1
        mv      r3, r11
        ldw     r5, sp+4
        call    memcpy
        ldw     r1, sp+4
2:      ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_read, .-ring_read

# ring_puts(r3 = NUL-terminated string) -> r1 = bytes written or -1 (to fd 1)
        .globl  ring_puts
        .type   ring_puts,@function
ring_puts:
        mv      r4, r3
        li      r3, 1
        j       ring_fputs
        .size   ring_puts, .-ring_puts

# ring_eputs(r3 = NUL-terminated string) -> r1 = bytes written or -1 (to fd 2)
        .globl  ring_eputs
        .type   ring_eputs,@function
ring_eputs:
        mv      r4, r3
        li      r3, 2
        j       ring_fputs
        .size   ring_eputs, .-ring_eputs

# ring_fputs(r3 = fd, r4 = NUL-terminated string) -> r1 = bytes written or -1
        .globl  ring_fputs
        .type   ring_fputs,@function
ring_fputs:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        stw     sp+4, r12
        mv      r11, r3
        mv      r12, r4
        mv      r3, r4
        call    strlen
        mv      r5, r1
        mv      r4, r12
        mv      r3, r11
        call    ring_write
        ldw     r12, sp+4
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_fputs, .-ring_fputs

# ring_put_uint(r3 = unsigned value): decimal to fd 1
        .globl  ring_put_uint
        .type   ring_put_uint,@function
ring_put_uint:
        mv      r4, r3
        li      r3, 1
        j       ring_fput_uint
        .size   ring_put_uint, .-ring_put_uint

# ring_fput_uint(r3 = fd, r4 = unsigned value): decimal to fd
        .globl  ring_fput_uint
        .type   ring_fput_uint,@function
ring_fput_uint:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        mv      r11, r3
        mv      r3, r4
        mv      r4, sp
        call    utoa
        mv      r4, r1
        mv      r3, r11
        call    ring_fputs
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_fput_uint, .-ring_fput_uint

# ring_put_int(r3 = signed value): decimal to fd 1
        .globl  ring_put_int
        .type   ring_put_int,@function
ring_put_int:
        addi    sp, sp, -32
        stw     sp+28, lr
        bge     r3, r0, 1f
        sub     r3, r0, r3
        mv      r4, sp
        call    utoa
        addi    r1, r1, -1
        li      r4, '-'
        stb     r1+0, r4
        j       2f
1:      mv      r4, sp
        call    utoa
2:      mv      r3, r1
        call    ring_puts
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_put_int, .-ring_put_int

# ring_eput_errno(): "errno N\n" on stderr, N being the current errno
        .globl  ring_eput_errno
        .type   ring_eput_errno,@function
ring_eput_errno:
        addi    sp, sp, -16
        stw     sp+12, lr
        la      r3, errno_text
        call    ring_eputs
        la      r4, errno
        ldw     r4, r4+0
        li      r3, 2
        call    ring_fput_uint
        la      r3, errno_newline
        call    ring_eputs
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_eput_errno, .-ring_eput_errno

# ring_putc(r3 = byte) to fd 1
        .globl  ring_putc
        .type   ring_putc,@function
ring_putc:
        addi    sp, sp, -16
        stw     sp+12, lr
        stb     sp+0, r3
        li      r3, 1
        mv      r4, sp
        li      r5, 1
        call    ring_write
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_putc, .-ring_putc

# ring_getchar() -> r1 = next byte of stdin, or -1 at end of input
        .globl  ring_getchar
        .type   ring_getchar,@function
ring_getchar:
        addi    sp, sp, -16
        stw     sp+12, lr
        li      r3, OP_GETCHAR
        li      r4, 0
        li      r5, 0
        li      r6, 0
        call    ring_request
        li      r4, -1
        beq     r1, r4, 1f
        call    ring_data
        ldbu    r1, r1+0
1:      ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_getchar, .-ring_getchar

# ring_path_request(r3 = opcode, r4 = path, r5 = status) -> r1, r2 as
# ring_request: copies the path and its NUL to the data buffer first.
        .globl  ring_path_request
        .type   ring_path_request,@function
ring_path_request:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        mv      r11, r3
        mv      r12, r4
        mv      r13, r5
        mv      r3, r4
        call    strlen
        addi    r14, r1, 1
        call    ring_data
        mv      r3, r1
        mv      r4, r12
        mv      r5, r14
        call    memcpy
        mv      r3, r11
        mv      r4, r14
        li      r5, 0
        mv      r6, r13
        call    ring_request
        ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_path_request, .-ring_path_request

# ring_service(r3 = service name, NUL-terminated) -> r1 = the first opcode
# of the service SVC_REQUEST granted, or -1 when it was not (refused,
# unknown or already held; the result code is then in errno).
        .globl  ring_service
        .type   ring_service,@function
ring_service:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        stw     sp+4, r12
        mv      r11, r3
        call    strlen
        addi    r12, r1, 1              # the name and its NUL
        call    ring_data
        mv      r3, r1
        mv      r4, r11
        mv      r5, r12
        call    memcpy
        li      r3, 0xF0                # SVC_REQUEST
        mv      r4, r12
        li      r5, 0
        li      r6, 0
        call    ring_request
        call    ring_data
        ldw     r2, r1+0                # the result code
        ldw     r1, r1+4                # the opcode base
        beq     r2, r0, 1f
        la      r3, errno
        stw     r3+0, r2
        li      r1, -1
1:      ldw     r12, sp+4
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_service, .-ring_service

# ring_open(r3 = path, r4 = flags: 1 read, 2 write, 4 append, 8 create,
# 16 truncate) -> r1 = fd or -1
        .globl  ring_open
        .type   ring_open,@function
ring_open:
        mv      r5, r4
        mv      r4, r3
        li      r3, OP_OPEN
        j       ring_path_request
        .size   ring_open, .-ring_open

# ring_unlink(r3 = path) -> r1 = 0 or -1
        .globl  ring_unlink
        .type   ring_unlink,@function
ring_unlink:
        mv      r4, r3
        li      r3, OP_UNLINK
        li      r5, 0
        j       ring_path_request
        .size   ring_unlink, .-ring_unlink

# ring_opendir(r3 = path) -> r1 = directory fd or -1
        .globl  ring_opendir
        .type   ring_opendir,@function
ring_opendir:
        mv      r4, r3
        li      r3, OP_OPENDIR
        li      r5, 0
        j       ring_path_request
        .size   ring_opendir, .-ring_opendir

# ring_close(r3 = fd) -> r1 = 0 or -1
        .globl  ring_close
        .type   ring_close,@function
ring_close:
        mv      r6, r3
        li      r3, OP_CLOSE
        li      r4, 0
        li      r5, 0
        j       ring_request
        .size   ring_close, .-ring_close

# ring_closedir(r3 = fd) -> r1 = 0 or -1
        .globl  ring_closedir
        .type   ring_closedir,@function
ring_closedir:
        mv      r6, r3
        li      r3, OP_CLOSEDIR
        li      r4, 0
        li      r5, 0
        j       ring_request
        .size   ring_closedir, .-ring_closedir

# ring_seek(r3 = fd, r4 = distance, r5 = whence 0/1/2) -> r1 = position or -1
        .globl  ring_seek
        .type   ring_seek,@function
ring_seek:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r3
        stw     sp+4, r4
        stw     sp+0, r5
        call    ring_data
        ldw     r5, sp+0
        stw     r1+0, r5                # byte 0: whence (the rest of the word is ignored)
        ldw     r4, sp+4
        stw     r1+4, r4                # bytes 4..7: signed distance
        li      r3, OP_SEEK
        li      r4, 8
        li      r5, 0
        ldw     r6, sp+8
        call    ring_request
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_seek, .-ring_seek

# ring_rename(r3 = old, r4 = new) -> r1 = 0 or -1
        .globl  ring_rename
        .type   ring_rename,@function
ring_rename:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        mv      r11, r3
        mv      r12, r4
        call    strlen
        addi    r13, r1, 1              # old with its NUL
        mv      r3, r12
        call    strlen
        addi    r14, r1, 1              # new with its NUL
        call    ring_data
        mv      r3, r1
        mv      r4, r11
        mv      r5, r13
        call    memcpy
        call    ring_data
        add     r3, r1, r13
        mv      r4, r12
        mv      r5, r14
        call    memcpy
        li      r3, OP_RENAME
        add     r4, r13, r14
        li      r5, 0
        mv      r6, r13
        call    ring_request
        ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_rename, .-ring_rename

# ring_stat(r3 = path, r4 = 112-byte record out) -> r1 = 0 or -1
        .globl  ring_stat
        .type   ring_stat,@function
ring_stat:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        mv      r11, r4
        mv      r4, r3
        li      r3, OP_STAT
        li      r5, -1                  # by path
        call    ring_path_request
        bne     r1, r0, 1f
        call    ring_data
        mv      r4, r1
        mv      r3, r11
        li      r5, 112
        call    memcpy
        li      r1, 0
1:      ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_stat, .-ring_stat

# ring_readdir(r3 = directory fd, r4 = 272-byte record out)
#   -> r1 = 1 for an entry, 0 at the end, -1 on error
        .globl  ring_readdir
        .type   ring_readdir,@function
ring_readdir:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        mv      r11, r4
        mv      r6, r3
        li      r3, OP_READDIR
        li      r4, 272
        li      r5, 0
        call    ring_request
        li      r4, -3                  # 0xFFFFFFFD: end of directory
        beq     r1, r4, 2f
        bne     r1, r0, 3f
        call    ring_data
        mv      r4, r1
        mv      r3, r11
        li      r5, 272
        call    memcpy
        li      r1, 1
        j       4f
2:      li      r1, 0
        j       4f
3:      li      r1, -1
4:      ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_readdir, .-ring_readdir

# ring_gettime(r3 = 16-byte record out: seconds lo, seconds hi, ns, 0)
#   -> r1 = 0 or -1
        .globl  ring_gettime
        .type   ring_gettime,@function
ring_gettime:
        mv      r4, r3
        li      r3, OP_GETTIME
        j       request_record
        .size   ring_gettime, .-ring_gettime

# ring_gettz(r3 = seconds lo, r4 = seconds hi, r5 = 16-byte record out:
# i32 seconds east of UTC, u32 is_dst, char abbrev[8]) -> r1 = 0 or -1
        .globl  ring_gettz
        .type   ring_gettz,@function
ring_gettz:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r5
        stw     sp+4, r3
        stw     sp+0, r4
        call    ring_data
        ldw     r3, sp+4
        stw     r1+0, r3
        ldw     r4, sp+0
        stw     r1+4, r4
        stw     r1+8, r0
        stw     r1+12, r0
        li      r3, OP_GETTZ
        ldw     r4, sp+8
        call    request_record
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_gettz, .-ring_gettz

# request_record(r3 = opcode, r4 = 16-byte record out) -> r1 = 0 or -1:
# a request whose answer is a 16-byte record at data-buffer offset 0.
        .type   request_record,@function
request_record:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        mv      r11, r4
        li      r4, 16
        li      r5, 0
        li      r6, 0
        call    ring_request
        bne     r1, r0, 1f
        call    ring_data
        mv      r4, r1
        mv      r3, r11
        li      r5, 16
        call    memcpy
        li      r1, 0
1:      ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   request_record, .-request_record

# ring_getenv(r3 = name, r4 = buffer, r5 = its size) -> r1 = value length
# (the value is NUL-terminated in the buffer) or -1 when unset or too long
        .globl  ring_getenv
        .type   ring_getenv,@function
ring_getenv:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        stw     sp+4, r12
        mv      r11, r4
        mv      r12, r5
        mv      r4, r3
        li      r3, OP_GETENV
        li      r5, 0
        call    ring_path_request
        li      r4, -1
        beq     r1, r4, 2f
        bgeu    r1, r12, 1f             # no room for the value and its NUL
        stw     sp+0, r1
        call    ring_data
        mv      r4, r1
        mv      r3, r11
        ldw     r5, sp+0
        call    memcpy
        ldw     r1, sp+0
        add     r4, r11, r1
        stb     r4+0, r0
        j       2f
1:      li      r1, -1
2:      ldw     r12, sp+4
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   ring_getenv, .-ring_getenv

# ring_args() -> r1 = argc, r2 = argv (NULL-terminated array). The strings
# and the array are placed at the start of the heap (__heap_start).
        .globl  ring_args
        .type   ring_args,@function
ring_args:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        li      r3, OP_ARGS_INFO
        li      r4, 16
        li      r5, 0
        li      r6, 0
        call    ring_request
        bne     r1, r0, 9f
        call    ring_data
        ldw     r11, r1+0               # argc
        ldw     r12, r1+4               # total bytes of the strings
        la      r13, __heap_start       # where the strings go
        li      r14, 0                  # bytes fetched
1:      bgeu    r14, r12, 3f
        sub     r4, r12, r14
        li      r5, DATA_SIZE
        bltu    r4, r5, 2f
        mv      r4, r5
2:      li      r3, OP_ARGS_DATA
        li      r5, 0
        mv      r6, r14
        call    ring_request
        bne     r1, r0, 9f
        beq     r2, r0, 9f
        stw     sp+8, r2
        call    ring_data
        mv      r4, r1
        add     r3, r13, r14
        ldw     r5, sp+8
        call    memcpy
        ldw     r2, sp+8
        add     r14, r14, r2
        j       1b
        # argv after the strings, word-aligned: one pointer per string.
3:      add     r4, r13, r12
        addi    r4, r4, 3
        andi    r5, r4, 3
        sub     r4, r4, r5
        mv      r2, r4                  # argv
        mv      r5, r13                 # next string
        li      r6, 0                   # index
4:      bgeu    r6, r11, 6f
        stw     r4+0, r5
        addi    r4, r4, 4
        addi    r6, r6, 1
5:      ldbu    r7, r5+0
        addi    r5, r5, 1
        bne     r7, r0, 5b
        j       4b
6:      stw     r4+0, r0
        mv      r1, r11
        j       10f
9:      li      r1, 0
        la      r2, no_args
10:     ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   ring_args, .-ring_args

        .bss
        .p2align 2
no_args:
        .zero   4

        .section .rodata
errno_text:
        .asciz  "errno "
errno_newline:
        .asciz  "\n"
