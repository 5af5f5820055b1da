export interface Config {
  portal?: {
    /**
     * Entity references of the groups or users that administer the portal:
     * they may remove locations (which unregisters what they hold) and delete
     * any entity. Everyone else may delete only the entities they own, and
     * remove no location. Default: nobody.
     */
    admins?: string[];
  };
}
