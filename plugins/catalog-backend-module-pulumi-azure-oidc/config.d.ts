export interface Config {
  pulumiAzureOidc?: {
    /**
     * The golden path's data directory; the local catalog directory is in
     * it unless set apart. Default: `.data/pulumi-azure-oidc`.
     */
    dataDirectory?: string;
    localCatalog?: {
      /**
       * The only directory, besides those of `catalog.locations`, whose
       * files the catalog may read through registered `file` locations.
       * Default: `<dataDirectory>/catalog`.
       */
      directory?: string;
    };
  };
}
