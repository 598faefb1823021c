import type { LoadedModel } from '../../adapter/load-model';
import { OIP_TENSORS, type MetadataTensor, type ModelMetadataResponse } from '../../oip/protocol';

/**
 * What the OIP front door says a model takes and gives. Every model takes `request` (BYTES [-1]:
 * contract requests as JSON); models that read the extractor's features also take `features`
 * (FP64 [-1, F]; FP32 accepted). Every model gives `score` (FP64) and `anomaly` (BOOL).
 */
export function modelMetadata(model: LoadedModel): ModelMetadataResponse {
  const inputs: MetadataTensor[] = [{ name: OIP_TENSORS.request, datatype: 'BYTES', shape: [-1] }];
  if (model.featureNames !== undefined) {
    inputs.push({ name: OIP_TENSORS.features, datatype: 'FP64', shape: [-1, model.featureNames.length] });
  }
  return {
    name: model.name,
    platform: `crs-ml-server_${model.adapter.describe().name}`,
    inputs,
    outputs: [
      { name: OIP_TENSORS.score, datatype: 'FP64', shape: [-1] },
      { name: OIP_TENSORS.anomaly, datatype: 'BOOL', shape: [-1] },
    ],
  };
}
