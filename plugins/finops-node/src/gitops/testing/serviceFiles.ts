/*
 * Copyright 2026 The AI FinOps Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

// A service folder laid out as finops:manifests:generate writes it (a base
// shared by a dev and a prod overlay, a workload patch and an autoscaler per
// overlay), with hand-written comments, quoting and a non-indented list, as
// people leave them in GitOps repositories.
export const SERVICE_FILES: Record<string, string> = {
  'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
`,
  'base/deployment.yaml': `# vLLM serving chat; owned by ml-platform
apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat   # also the app label
  labels: {app: chat, team: ml-platform}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: chat
  template:
    metadata:
      labels:
        app: chat
    spec:
      containers:
      - name: vllm
        image: "docker.io/vllm/vllm-openai:v0.6.3"
        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
        resources:
          requests:
            cpu: "8"        # cores, tuned in May
            memory: 64Gi
            nvidia.com/gpu: "1"
          limits:
            memory: 64Gi
            nvidia.com/gpu: "1"
      # the sidecar exports GPU metrics
      - name: exporter
        image: ghcr.io/acme/exporter:1.2
`,
  'base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: chat
spec:
  ports:
    - port: 80
      targetPort: 8000 # vLLM's port
`,
  'overlays/dev/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: chat-dev
resources:
  - ../../base
patches:
  - path: workload-patch.yaml
`,
  'overlays/dev/workload-patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
spec:
  replicas: 1
`,
  'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: chat-prod # production
resources:
  - ../../base
  - autoscaler.yaml
patches:
  - path: workload-patch.yaml
`,
  'overlays/prod/workload-patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
  annotations:
    ai-finops.io/monthly-budget: "25000"
spec:
  replicas: 2 # two for the launch
`,
  'overlays/prod/autoscaler.yaml': `# KEDA scales on the vLLM queue
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: chat
spec:
  scaleTargetRef:
    name: chat
  minReplicaCount: 2
  maxReplicaCount: 6   # capped by the budget
  triggers:
    - type: prometheus
      metadata:
        query: sum(vllm:num_requests_waiting{namespace="chat-prod"})
        threshold: "8"
`,
};
