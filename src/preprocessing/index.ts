export {
  MinMaxScaler,
  SCALINGS,
  Scaler,
  type ScalerJSON,
  type Scaling,
  StandardScaler,
  type TransformOptions,
} from './scalers.js';
