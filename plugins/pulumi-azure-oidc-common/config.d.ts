export interface Config {
  /**
   * The Pulumi ESC ⇄ Azure OIDC golden path. The keys here are shared by
   * its scaffolder and catalog modules; each module declares its own.
   */
  pulumiAzureOidc?: {
    /**
     * Where Pulumi workspaces, provider plugins, local state, the generated
     * state passphrase and an installed CLI live. Relative paths resolve
     * against the backend's working directory.
     * Default: `.data/pulumi-azure-oidc`.
     */
    dataDirectory?: string;

    localCatalog?: {
      /**
       * Where `pulumi:azureOidc:publish` keeps environments' entity
       * files, one directory each, without `catalogRepository`. The
       * catalog module lets the catalog read files here and, besides the
       * directories of `catalog.locations`, nowhere else.
       * Default: `<dataDirectory>/catalog`.
       */
      directory?: string;
    };
  };
}
