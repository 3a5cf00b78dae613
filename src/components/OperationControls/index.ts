export {
  OperationControls,
  type BackendImControlsProps,
  type GenericControlsProps,
  type OperationControlsProps,
} from './OperationControls';
export { BackendImForm, type BackendImFormProps } from './BackendImForm';
export { GenericOperationControls, type GenericOperationControlsProps, type OperationSpec } from './GenericOperationControls';
export { type ControlsConnection } from './ConnectionNotice';
export { toFailure, type ControlsFailure } from './useStartTracker';
export { defaultOperationControlsLabels, type BackendImField, type OperationControlsLabels } from './labels';
export {
  BACKENDIM_FORM_DEFAULTS,
  isRepoURL,
  validateField,
  validateFor,
  type BackendImAction,
  type BackendImValues,
} from './validation';
