package protocol

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the server's message decoder: every
// input is either an envelope or an ErrProtocol error, never a panic, and
// every data type decodes or fails with ErrProtocol. CI runs it for 60 s
// (make fuzz); testdata/fuzz holds the corpus it found.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","data":{"version":1,"app_id":1}}`,
		`{"type":"auth","id":1,"data":{"signature":"00"}}`,
		`{"type":"login","id":2,"data":{"room_id":"r","user_id":"u","user_status_notify":true}}`,
		`{"type":"publish","id":3,"data":{"room_id":"r","stream_id":"s","sdp":"v=0"}}`,
		`{"type":"stream_state","id":4,"data":{"stream_id":"s","video_state":10,"audio_state":0}}`,
		`{"type":"play","id":5,"data":null}`,
		`{"type":"","id":-1}`,
		`[1,2,3]`,
		`{"type":"login","id":18446744073709551615,"data":{"room_id":5}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := Decode(b)
		if err != nil {
			if CodeOf(err) != ErrProtocol {
				t.Fatalf("Decode error with code %d: %v", CodeOf(err), err)
			}
			return
		}
		targets := []any{&Hello{}, &Auth{}, &Login{}, &Logout{}, &Publish{}, &Unpublish{}, &Play{},
			&StopPlay{}, &StreamState{}, &UserUpdate{}, &StreamUpdate{}, &Kicked{}, &ErrorBody{}}
		for _, v := range targets {
			if err := DecodeData(env, v); err != nil && CodeOf(err) != ErrProtocol {
				t.Fatalf("DecodeData(%T) error with code %d", v, CodeOf(err))
			}
		}
		// What was accepted survives a round trip unchanged.
		out, err := Encode(env.Type, env.ID, env.Data)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := Decode(out)
		if err != nil || again.Type != env.Type || again.ID != env.ID {
			t.Fatalf("round trip changed %q/%d into %q/%d (%v)", env.Type, env.ID, again.Type, again.ID, err)
		}
		if len(env.Data) > 0 && !reflect.DeepEqual(value(t, again.Data), value(t, env.Data)) {
			t.Fatalf("round trip changed the data: %s → %s", env.Data, again.Data)
		}
	})
}

// value is the JSON value of b, so that equal data compares equal whatever
// its escaping or spacing.
func value(t *testing.T, b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("data is not JSON after decoding: %v", err)
	}
	return v
}
