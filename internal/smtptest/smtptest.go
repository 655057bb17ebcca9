// Package smtptest is a real SMTP listener for tests: it speaks enough of
// RFC 5321 (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no auth) for
// a client to deliver plain-text mail over TCP, and records what arrives.
package smtptest

import "bufio"
import "encoding/base64"
import "io"
import "mime/quotedprintable"
import "net"
import "net/mail"
import "net/textproto"
import "strings"
import "sync"
import "testing"

// Message is one delivered mail.
type Message struct {
	From    string
	To      []string
	Subject string
	Header  mail.Header
	Body    string
}

// Server is a listening SMTP server.
type Server struct {
	Addr string
	ln   net.Listener
	mu   sync.Mutex
	msgs []Message
	fail int // refuse the next fail messages with a temporary error
	wg   sync.WaitGroup
}

// Start listens on a free port of 127.0.0.1 and stops when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { _ = ln.Close(); s.wg.Wait() })
	return s
}

// Port is the port the server listens on.
func (s *Server) Port() string { _, p, _ := net.SplitHostPort(s.Addr); return p }

// FailNext makes the server refuse the next n messages at DATA with 451.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Messages returns the mail delivered so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.session(textproto.NewConn(c))
		}()
	}
}

// session serves one connection.
func (s *Server) session(tc *textproto.Conn) {
	reply := func(code int, msg string) bool { return tc.PrintfLine("%d %s", code, msg) == nil }
	if !reply(220, "smtptest ready") {
		return
	}
	var cur Message
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ok := tc.PrintfLine("250-smtptest") == nil && reply(250, "8BITMIME")
			if !ok {
				return
			}
		case "MAIL":
			cur = Message{From: addrArg(arg)}
			reply(250, "OK")
		case "RCPT":
			cur.To = append(cur.To, addrArg(arg))
			reply(250, "OK")
		case "DATA":
			if !reply(354, "end with <CRLF>.<CRLF>") {
				return
			}
			data, err := io.ReadAll(tc.DotReader())
			if err != nil {
				return
			}
			reply(s.deliver(cur, data))
			cur = Message{}
		case "RSET":
			cur = Message{}
			reply(250, "OK")
		case "NOOP":
			reply(250, "OK")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			// RFC 5321's answer to a command a server does not offer
			// (VRFY, EXPN, …): the client under test must not need them.
			reply(502, "5.5.1 command not offered by this server")
		}
	}
}

// deliver records a message (or refuses it, see FailNext).
func (s *Server) deliver(m Message, data []byte) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return 451, "try again later"
	}
	if msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(string(data)))); err == nil {
		m.Header = msg.Header
		m.Subject = msg.Header.Get("Subject")
		var r io.Reader = msg.Body
		switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(r)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, r)
		}
		body, _ := io.ReadAll(r)
		m.Body = string(body)
	}
	s.msgs = append(s.msgs, m)
	return 250, "queued"
}

// addrArg reads the address of "FROM:<a@b> …" or "TO:<a@b>".
func addrArg(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a = strings.TrimSpace(a)
	if i := strings.Index(a, ">"); i >= 0 {
		a = a[:i+1]
	}
	return strings.Trim(a, "<>")
}
