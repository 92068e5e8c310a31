#!/usr/bin/env bash
# Resolves the Go wrapper module that e2e-test.sh and agnhost.sh compile in (wrapper-module.sh).
source "$(dirname "$0")/../lib/common.sh"
source "$IMAGES_DIR/lib/gobuild.sh"
source "$IMAGES_DIR/upstream/parts.sh"
source "$IMAGES_DIR/upstream/wrapper-module.sh"
prepare_e2e_module
