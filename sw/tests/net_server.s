# net_server: listens on 127.0.0.1 at a port the host picks, writes the port
# to the file "port" (two bytes, little-endian), accepts one connection and
# copies what it receives into "received.bin" until the peer closes. Exit
# status 0, or 1 (with a line on stderr) at the first failure.

        .equ    OP_ACCEPT, 0x42
        .equ    OP_RECV, 0x44
        .equ    OP_WRITE, 0x03
        .equ    O_WRITE_NEW, 26

        .text
        .globl  _start
_start:
        la      r3, port_file
        call    tcp_listen
        li      r4, -1
        beq     r1, r4, fail
        mv      r11, r1
        li      r3, OP_ACCEPT
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_request
        li      r4, -1
        beq     r1, r4, fail
        mv      r12, r1                 # the connection
        la      r3, out_file
        li      r4, O_WRITE_NEW
        call    ring_open
        li      r4, -1
        beq     r1, r4, fail
        mv      r13, r1
        li      r3, OP_RECV
        mv      r4, r12
        li      r5, OP_WRITE
        mv      r6, r13
        call    copy_stream
        li      r4, -1
        beq     r1, r4, fail
        mv      r3, r13
        call    ring_close
        mv      r3, r12
        call    ring_close
        mv      r3, r11
        call    ring_close
        li      r3, 0
        call    ring_exit
fail:
        la      r3, failed
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

        .section .rodata
port_file:
        .asciz  "port"
out_file:
        .asciz  "received.bin"
failed:
        .asciz  "net_server: failed, "
