"""Pure domain logic: IINs, regions and the synthetic demo registry."""
