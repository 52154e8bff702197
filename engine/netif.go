package engine

import (
	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// freshNet is the host's network as pion's ICE agents see it, but with the
// interfaces and their addresses read anew on every look rather than once
// when the engine starts: an ICE restart after the host moved to another
// network gathers candidates on the addresses it has now (icerestart.go).
type freshNet struct{ *stdnet.Net }

func newFreshNet() (freshNet, error) {
	n, err := stdnet.NewNet()
	return freshNet{n}, err
}

// Interfaces lists the host's interfaces as they are now.
func (freshNet) Interfaces() ([]*transport.Interface, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return n.Interfaces()
}

// InterfaceByIndex finds an interface as it is now.
func (freshNet) InterfaceByIndex(index int) (*transport.Interface, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return n.InterfaceByIndex(index)
}

// InterfaceByName finds an interface as it is now.
func (freshNet) InterfaceByName(name string) (*transport.Interface, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return n.InterfaceByName(name)
}
