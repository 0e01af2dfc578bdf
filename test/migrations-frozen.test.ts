import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allMigrations } from '../src/app.js';
import { checksumOf, storageMigrations } from '../src/modules/storage/index.js';

const modules = fileURLToPath(new URL('../src/modules/', import.meta.url));

/** The checksums of the migrations as installations applied them (the text before any was frozen). */
const APPLIED: Record<string, string> = {
  'storage/001_application_role': '64a029021daa3ab8043f8f39dc926f9fb03f80561de11fa43ee03258680a4de7',
  'security/001_tenants_and_api_keys': 'ee3827d06bfc24d5a0cf0d830e9a4b1ef251557437cc1f32460479bd310c21ec',
  'security/002_users_tokens_audit': '611e2d31d0050f51ac064ed934946c34c2e5d9178bd5ed796f963601d2205052',
  'security/003_refresh_token_families': '0c867b20481041b5fcfc78d1582f8cbe682c1d7a998d4ac84bf597fa23d7d0ed',
  'engine/001_flows_and_contexts': '0d7fd8bac4a2fb94b157449b44dfb6caa2acb17902bf5f17119c8527758a8e7e',
  'engine/002_idempotent_turns': 'b19c9d0dccf7dff3af64f4853a74e68d428e370c17ac3a5d9f1bd449304a995d',
  'engine/003_draft_errors': 'cca5f1ea6b95a004c92e7fbd5e4ac9c9d5b80e1529a514b7d7b734e1d0afba74',
  'engine/004_turn_traces_by_time': 'f3e9b5e8045bc249269e606a9e564b48450e0017a81183ad4a669e4c38ebdfb2',
  'chat/001_conversations_and_messages': 'b1a834676361e5d900d162cc0d2af47af6f060432879d002b407d0bbf1d2318b',
  'chat/002_channels_and_outbox': '3e1d7697133937b66a1dfe20dfea6a6e16e8ae5169a2adad0e0366e3f370e715',
  'chat/003_inbox': 'a625ebc3c89533224da6ac7647af81065294c53e8e7b8cdb3de56b9a1cca2b12',
  'chat/004_channel_routes': '3b21291f17121a78874410319d9be4eb9fbcfd16bcb3bea5de4b5ef574b25967',
  'chat/005_schedules_and_starts': 'ea01dd85ff6a2d3e70903e1cca76edd561999878e5ed3b0de48fe4220d422014',
  'models/001_model_settings': '8918e5f18bea9bc6a8434faad166c29e75ef8bb45608cdfb3c6617ed11143e1c',
  'models/002_nlu_training_data': '816e45550f33acc1dd3a6b64126dd91bf7a47a7d52ef91212524099e4f779b8d',
  'analytics/001_event_tables': '725ec8f3b985b4ed208db0c7827a2b2af527c8ad5e62d765a96438b7e51ef3a0',
  'analytics/002_turn_rows': 'fb81ef8f7b217a5592e34f28b580c02f1b36f770b1f1b9d23c579299e0f5128c',
  'analytics/003_outbox': '807412c21ff7461dda73e1f21f13ac33276fb9cd86d0a4e91abe48a8c66fb2d1',
  'analytics/004_outbox_refused': 'c49cd44d783a750a80e494d0854dce2b1149b32b0b9bd4bffedf46c0a329247d',
  'analytics/005_timescale_chunks': 'a85d289fd7e4ddc9340c9e0e4c26032790a85de4e6d6433800cb138903cd56af',
  'adaptors/001_integrations': '383d64b65023d24318a721b23103f9c39da9ca6fdbc80fb3a060d7cee9871b16',
  'privacy/001_data_policies': '14b0458bcd20e6235a8ea45d8cc58bbab8e8d8997cb8c47a89bed2482735317b',
  'privacy/002_redaction': '5d1356f615ce2eb547b45dcb67d63d70cb88417ba934f458eb5d64d81c9ef9ee',
  'knowledge/001_knowledge_base': '14f71639fccdbf20613e11f113b254f5df23a0f87d0817f0549c6f3d2d67f50f',
};

describe('migrations are frozen text', () => {
  it('interpolate nothing: a constant changed later would rewrite an applied migration', async () => {
    const names = await readdir(modules);
    let files = 0;
    for (const name of names) {
      const text = await readFile(`${modules}${name}/migrations.ts`, 'utf8').catch(() => null);
      if (text === null) continue;
      files += 1;
      expect(text.includes('${'), `src/modules/${name}/migrations.ts interpolates into its SQL`).toBe(false);
    }
    expect(files).toBeGreaterThanOrEqual(9);
  });

  it('say exactly what existing databases ran', () => {
    const current = new Map<string, string>([storageMigrations, ...allMigrations].flatMap((m) => m.migrations.map((mig) => [`${m.module}/${mig.id}`, checksumOf(mig.sql)] as const)));
    for (const [key, checksum] of Object.entries(APPLIED)) expect(current.get(key), key).toBe(checksum);
  });
});
