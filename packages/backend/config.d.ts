export interface Config {
  portal?: {
    /**
     * Entity references of the groups or users that administer the portal:
     * they may unregister any entity and remove locations. Everyone else may
     * unregister only the entities they own, and remove no location.
     * Default: nobody.
     */
    admins?: string[];
  };
}
