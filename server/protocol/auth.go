package protocol

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// AppSignLen is the length of an app sign: 64 hex digits (32 bytes).
const AppSignLen = 64

// ParseAppSign decodes a 64-hex-digit app sign into its 32 bytes.
func ParseAppSign(s string) ([]byte, error) {
	if len(s) != AppSignLen {
		return nil, Errorf(ErrInvalidAppSign, "app sign must be 64 hex digits")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, Errorf(ErrInvalidAppSign, "app sign must be 64 hex digits")
	}
	return b, nil
}

// AppSignature is the answer to a challenge: hex(HMAC-SHA256(key = app sign
// bytes, message = "parley-auth-v1\n" + app ID + "\n" + nonce)). The app sign
// itself never crosses the wire, and a signature is good for one nonce only.
func AppSignature(appSign []byte, appID uint32, nonce string) string {
	m := hmac.New(sha256.New, appSign)
	m.Write([]byte("parley-auth-v1\n"))
	m.Write([]byte(strconv.FormatUint(uint64(appID), 10)))
	m.Write([]byte("\n"))
	m.Write([]byte(nonce))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckAppSignature compares a received signature in constant time.
func CheckAppSignature(appSign []byte, appID uint32, nonce, sig string) bool {
	want := AppSignature(appSign, appID, nonce)
	return hmac.Equal([]byte(want), []byte(sig))
}
