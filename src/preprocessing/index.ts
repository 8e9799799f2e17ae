export {
  MinMaxScaler,
  Scaler,
  type ScalerJSON,
  type Scaling,
  StandardScaler,
  type TransformOptions,
} from './scalers.js';
