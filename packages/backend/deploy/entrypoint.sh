#!/bin/sh
# The plugins the image carries go into the data directory's plugin cache,
# which every run's private Pulumi home links to; the data directory is a
# volume, so they are copied at start, never over what is there.
set -eu
cache=/var/lib/backstage/pulumi-azure-oidc/pulumi-home/plugins
mkdir -p "$cache"
cp -Rn /opt/pulumi/home/plugins/. "$cache/"
exec "$@"
