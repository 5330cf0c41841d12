// The helper moved to the simulator kit (shared by every simulator); kept here so existing imports work.
export { controlBody } from '../kit/control-body.ts';
