package main

import (
	"flag"
	"fmt"
	"os"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	var f flags
	flag.StringVar(&f.config, "config", "", "config file (JSON or YAML); none: providers from the environment")
	flag.StringVar(&f.listen, "listen", "", "listen address, overriding the config's (default "+defaultListen()+")")
	flag.BoolVar(&f.version, "version", false, "print the version and exit")
	flag.BoolVar(&f.allowOpen, "allow-unauthenticated", false, "allow a non-loopback listen address without gateway keys")
	flag.StringVar(&f.dataDir, "data-dir", "", "directory of the embedded stores (default $MUNINN_DATA_DIR, else ./muninn-data)")
	if len(os.Args) > 1 {
		if sub, ok := subcommands[os.Args[1]]; ok {
			os.Exit(sub(os.Args[2:]))
		}
	}
	flag.Parse()
	if f.version {
		fmt.Println("muninn", version)
		return
	}
	if err := run(f, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "muninn:", err)
		os.Exit(1)
	}
}

type flags struct {
	config    string
	listen    string
	version   bool
	allowOpen bool
	dataDir   string
}
