package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// The broker is a NATS server with JetStream switched on. It is written in
// Go, so the lesson and its tests embed it: server.NewServer in this
// process, listening on 127.0.0.1 on a port the kernel picks, storing its
// streams in a directory the caller owns. In production the same code runs
// as the stock nats-server binary, alone or as a cluster, and the lesson's
// -nats flag points at it instead.

// A Broker is one embedded server. Stop it with Stop, which returns when the
// server's goroutines are gone.
type Broker struct {
	srv  *server.Server
	dir  string // removed by Stop when the broker made it
	own  bool
	opts BrokerOptions
}

// BrokerOptions say how to start an embedded server. The zero value is one
// server on a random 127.0.0.1 port, storing in a new temporary directory
// that Stop removes.
type BrokerOptions struct {
	Name  string // server name; "" means "n1"
	Addr  string // host:port for clients; "" means 127.0.0.1:-1 (any free port)
	Store string // JetStream's directory; "" means a temporary one, removed by Stop
	// Cluster, when set, is this server's route listener (host:port) and
	// Routes the other servers' route listeners: the three servers of a
	// cluster each list the other two.
	Cluster     string
	ClusterName string
	Routes      []string
}

// StartBroker starts an embedded NATS server with JetStream and waits until
// it accepts connections.
func StartBroker(o BrokerOptions) (*Broker, error) {
	host, port, err := splitAddr(o.Addr, "127.0.0.1", -1)
	if err != nil {
		return nil, fmt.Errorf("-addr: %w", err)
	}
	b := &Broker{dir: o.Store, opts: o}
	if b.dir == "" {
		if b.dir, err = os.MkdirTemp("", "gocourse-11-nats-"); err != nil {
			return nil, err
		}
		b.own = true
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return nil, fmt.Errorf("-store: %w", err)
	}
	opts := &server.Options{
		ServerName: cmpOr(o.Name, "solo"),
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   b.dir,
		NoLog:      true,
		NoSigs:     true, // the lesson owns Ctrl-C, not the server
	}
	if o.Cluster != "" {
		ch, cp, err := splitAddr(o.Cluster, "127.0.0.1", -1)
		if err != nil {
			return nil, fmt.Errorf("cluster address: %w", err)
		}
		opts.Cluster = server.ClusterOpts{Name: cmpOr(o.ClusterName, "course"), Host: ch, Port: cp}
		for _, r := range o.Routes {
			opts.Routes = append(opts.Routes, &url.URL{Scheme: "nats", Host: r})
		}
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		b.removeDir()
		return nil, err
	}
	b.srv = srv
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		b.Stop()
		return nil, fmt.Errorf("the embedded NATS server on %s did not start within 10s (is the port in use?)", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return b, nil
}

// URL is where clients connect, such as nats://127.0.0.1:41234.
func (b *Broker) URL() string { return b.srv.ClientURL() }

// Name is the server's name.
func (b *Broker) Name() string { return b.srv.Name() }

// ClusterAddr is the route listener's address, for the other servers'
// Routes; "" when the server is not in a cluster.
func (b *Broker) ClusterAddr() string {
	if a := b.srv.ClusterAddr(); a != nil {
		return a.String()
	}
	return ""
}

// Stop shuts the server down, waits for it, and removes its directory if
// StartBroker made it. A server that was the leader of a replicated stream
// hands the leadership over first (nats-server steps its Raft groups down on
// shutdown). Stop is safe to call twice.
func (b *Broker) Stop() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	b.removeDir()
}

func (b *Broker) removeDir() {
	if b.own {
		os.RemoveAll(b.dir)
		b.own = false
	}
}

// splitAddr reads "host:port", filling in defaults for a missing part.
func splitAddr(addr, defHost string, defPort int) (string, int, error) {
	if addr == "" {
		return defHost, defPort, nil
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	if port == 0 {
		port = -1 // nats-server's spelling of "any free port"
	}
	return cmpOr(h, defHost), port, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// connectTimeout bounds how long a client tries to reach a server that is
// not there, so a wrong -nats URL is an error in seconds, not a hang.
const connectTimeout = 2 * time.Second

// Connect connects to url with the options every client in this chapter
// uses: a name the server shows, a bounded first attempt, and a bounded
// number of reconnects, after which closed is closed. An unreachable URL is
// one error line that says what to do.
func Connect(url, name string) (nc *nats.Conn, closed <-chan struct{}, err error) {
	done := make(chan struct{})
	// The first connection gets three tries: on a machine busy enough, the
	// handshake with a server that has only just started can miss the
	// timeout once. A URL where nothing listens is refused at once, so it
	// still fails in well under a second.
	for try := 1; ; try++ {
		nc, err = nats.Connect(url,
			nats.Name(name),
			nats.Timeout(connectTimeout),
			// A server that goes away mid-run: try again for a few seconds (a
			// restarted server or another node of a cluster takes over), then
			// give up and say so rather than hang.
			nats.MaxReconnects(20),
			nats.ReconnectWait(250*time.Millisecond),
			nats.ClosedHandler(func(*nats.Conn) { close(done) }),
			nats.NoCallbacksAfterClientClose(),
		)
		if err == nil || try == 3 || !(errors.Is(err, nats.ErrNoServers) || errors.Is(err, nats.ErrTimeout)) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		if errors.Is(err, nats.ErrNoServers) || errors.Is(err, nats.ErrTimeout) {
			return nil, nil, fmt.Errorf("cannot reach a NATS server at %s: %w (is one running? leave out -nats to use an embedded one)", url, err)
		}
		return nil, nil, fmt.Errorf("NATS at %s: %w", url, err)
	}
	return nc, done, nil
}
