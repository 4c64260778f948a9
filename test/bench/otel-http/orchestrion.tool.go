//go:build tools

package tools

import _ "github.com/weft-dev/weft/packs/otel"
