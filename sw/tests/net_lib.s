# Loopback TCP for the host I/O tests' guests (services.md §4): a listener
# on a port the host picks, published to a file so a second process can
# connect to it. Address records and payloads use data-buffer offset 0.

        .equ    OP_SOCKET, 0x40
        .equ    OP_CONNECT, 0x41
        .equ    OP_BIND, 0x46
        .equ    OP_LISTEN, 0x47
        .equ    OP_GETSOCKNAME, 0x48
        .equ    TCP_IPV4, 0x102         # family 2 | type 1 (stream) << 8
        .equ    LOOPBACK, 0x7F000001
        .equ    O_WRITE_NEW, 26         # write | create | truncate
        .equ    O_READ, 1
        .equ    CHUNK, 4096

        .text

# put_loopback(r3 = port): the record 127.0.0.1:port, family 2, at offset 0
put_loopback:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r3
        call    ring_data
        li      r2, LOOPBACK
        stw     r1+0, r2
        ldw     r3, sp+8
        li      r2, 0x20000
        or      r2, r2, r3
        stw     r1+4, r2
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret

# tcp_socket() -> r1 = fd, or -1
tcp_socket:
        li      r3, OP_SOCKET
        li      r4, 0
        li      r5, 0
        li      r6, TCP_IPV4
        j       ring_request

# tcp_listen(r3 = port file) -> r1 = listening fd, or -1. Binds 127.0.0.1
# port 0, asks the host which port it chose (GETSOCKNAME) and writes it to
# the file as two bytes, little-endian.
        .globl  tcp_listen
        .type   tcp_listen,@function
tcp_listen:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        stw     sp+4, r12
        mv      r12, r3
        call    tcp_socket
        li      r4, -1
        beq     r1, r4, 9f
        mv      r11, r1
        li      r3, 0
        call    put_loopback
        li      r3, OP_BIND
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_request
        bne     r1, r0, 8f
        li      r3, OP_LISTEN
        li      r4, 1
        li      r5, 0
        mv      r6, r11
        call    ring_request
        bne     r1, r0, 8f
        li      r3, OP_GETSOCKNAME
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_request
        bne     r1, r0, 8f
        call    ring_data
        ldhu    r2, r1+4
        la      r3, port_bytes
        sth     r3+0, r2
        mv      r3, r12
        li      r4, O_WRITE_NEW
        call    ring_open
        li      r4, -1
        beq     r1, r4, 9f
        mv      r12, r1
        mv      r3, r1
        la      r4, port_bytes
        li      r5, 2
        call    ring_write
        li      r4, 2
        bne     r1, r4, 8f
        mv      r3, r12
        call    ring_close
        mv      r1, r11
        j       9f
8:      li      r1, -1
9:      ldw     r12, sp+4
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   tcp_listen, .-tcp_listen

# tcp_connect(r3 = port file) -> r1 = connected fd, or -1
        .globl  tcp_connect
        .type   tcp_connect,@function
tcp_connect:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        li      r4, O_READ
        call    ring_open
        li      r4, -1
        beq     r1, r4, 9f
        mv      r11, r1
        mv      r3, r1
        la      r4, port_bytes
        li      r5, 2
        call    ring_read
        li      r4, 2
        bne     r1, r4, 8f
        mv      r3, r11
        call    ring_close
        call    tcp_socket
        li      r4, -1
        beq     r1, r4, 9f
        mv      r11, r1
        la      r3, port_bytes
        ldhu    r3, r3+0
        call    put_loopback
        li      r3, OP_CONNECT
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_request
        bne     r1, r0, 8f
        mv      r1, r11
        j       9f
8:      li      r1, -1
9:      ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
        .size   tcp_connect, .-tcp_connect

        .bss
        .p2align 2
port_bytes:
        .zero   4

        .text
# put_all(r3 = opcode WRITE or SEND, r4 = fd, r5 = n) -> r1 = 0, or -1:
# sends data-buffer bytes 0..n-1, however many requests short writes take.
        .globl  put_all
        .type   put_all,@function
put_all:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        mv      r11, r3
        mv      r12, r4
        mv      r13, r5                 # bytes left
        li      r14, 0                  # next offset
1:      beq     r13, r0, 3f
        mv      r3, r11
        mv      r4, r13
        mv      r5, r14
        mv      r6, r12
        call    ring_request
        li      r4, -1
        beq     r1, r4, 4f
        beq     r1, r0, 2f              # no progress: give up
        add     r14, r14, r1
        sub     r13, r13, r1
        j       1b
2:      li      r1, -1
        j       4f
3:      li      r1, 0
4:      ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   put_all, .-put_all

# copy_stream(r3 = opcode READ or RECV, r4 = from fd, r5 = opcode WRITE or
# SEND, r6 = to fd) -> r1 = bytes copied, or -1. Until end of input.
        .globl  copy_stream
        .type   copy_stream,@function
copy_stream:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        stw     sp+20, r12
        stw     sp+16, r13
        stw     sp+12, r14
        stw     sp+8, r15
        mv      r11, r3
        mv      r12, r4
        mv      r13, r5
        mv      r14, r6
        li      r15, 0
1:      mv      r3, r11
        li      r4, CHUNK
        li      r5, 0
        mv      r6, r12
        call    ring_request
        li      r4, -1
        beq     r1, r4, 3f
        beq     r1, r0, 2f              # end of input
        add     r15, r15, r1
        mv      r3, r13
        mv      r4, r14
        mv      r5, r1
        call    put_all
        beq     r1, r0, 1b
        j       3f
2:      mv      r1, r15
3:      ldw     r15, sp+8
        ldw     r14, sp+12
        ldw     r13, sp+16
        ldw     r12, sp+20
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret
        .size   copy_stream, .-copy_stream
