// Package web holds Parley's browser debug page: the HTML, its stylesheet
// and the JavaScript built from src/ (TypeScript) with tsc. The built files
// are committed, so parleyd embeds them with a plain go build; make web
// rebuilds them and make web-check fails when they differ from the sources
// (docs/web.md).
package web

import (
	"embed"
	"io/fs"
)

//go:embed index.html whep.html style.css js/*.js
var files embed.FS

// FS is the page's files, rooted at the page: index.html, style.css and
// js/. parleyd serves them at /.
func FS() fs.FS { return files }
