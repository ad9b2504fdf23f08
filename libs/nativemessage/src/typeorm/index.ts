export { typeOrmStorage, defaultSqliteInboxFile } from './typeorm-storage';
export type { TypeOrmStorageOptions } from './typeorm-storage';
export { NativeMessageEntityManager } from './nativemessage-entity-manager';
export {
  NATIVEMESSAGE_MIGRATIONS,
  NativeMessageSchema1764806400000,
} from './nativemessage-schema.migration';
