package pgtest

import (
	"context"
	"os"
	"testing"
)

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	s.Exec("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
	c := s.Connect("")
	var v int
	if err := c.QueryRow(context.Background(), "SELECT v FROM kept").Scan(&v); err != nil || v != 42 {
		t.Fatalf("select = %d, %v", v, err)
	}
	port := s.Port()
	s.Stop()
	if err := s.ExecErr("SELECT 1"); err == nil {
		t.Fatal("the stopped server still answers")
	}
	s.Restart()
	if s.Port() != port {
		t.Fatalf("restart moved the port from %d to %d", port, s.Port())
	}
	// The data survived the immediate stop.
	c2 := s.Connect("")
	if err := c2.QueryRow(context.Background(), "SELECT v FROM kept").Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart select = %d, %v", v, err)
	}
}

func TestPasswordIsRequiredOverTCP(t *testing.T) {
	s := Start(t)
	if err := s.ExecErr("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := connect(ctx, s.UserDSN(Superuser, "wrong", "")); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	dsn := s.CreateDatabase("other db")
	if _, err := connect(ctx, dsn); err != nil {
		t.Fatalf("connecting to the created database: %v", err)
	}
}

func TestCleanupRemovesDirectory(t *testing.T) {
	var dir string
	t.Run("server", func(t *testing.T) {
		s := Start(t)
		dir = s.dir
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("directory %s left behind: %v", dir, err)
	}
}
