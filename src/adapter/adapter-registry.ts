import { AdapterError } from '../errors';
import { NamedRegistry } from '../registry';
import type { ModelAdapterClass } from './model-adapter';

/** Adapter name -> class. Built-in and user adapters are registered the same way. */
export class AdapterRegistry extends NamedRegistry<ModelAdapterClass> {
  constructor() {
    super('adapter', (message) => new AdapterError(message));
  }

  /** Registers a class under its static `adapterName`. */
  add(adapterClass: ModelAdapterClass): this {
    if (typeof adapterClass.adapterName !== 'string' || adapterClass.adapterName === '') {
      throw new AdapterError(`adapter class ${adapterClass.name || '(anonymous)'} has no static "adapterName".`);
    }
    return this.register(adapterClass.adapterName, adapterClass);
  }
}
