package dev.baton.validation;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one module-path requirement of binding: Jackson reads the target type reflectively, so a
 * type in a named application module must be in a package that module opens to Jackson. Checked
 * when a validator is built, so a missing {@code opens} is a start-up error that names the fix,
 * not a binding problem on the first answer.
 */
final class ModuleAccess {
  private static final Module JACKSON = ObjectMapper.class.getModule();

  private ModuleAccess() {}

  /** @throws IllegalStateException if {@code type}'s package is not open to Jackson databind */
  static void checkOpenToJackson(Class<?> type) {
    Module module = type.getModule();
    if (!module.isNamed() || isPlatform(module)) {
      return; // the class path (everything open), or JDK types that Jackson binds natively
    }
    String pkg = type.getPackageName();
    if (!module.isOpen(pkg, JACKSON)) {
      throw new IllegalStateException(type.getName() + " is in package " + pkg + " of module "
          + module.getName() + ", which is not open to " + JACKSON.getName()
          + ", so it cannot be bound: add 'opens " + pkg + " to " + JACKSON.getName()
          + ";' to the module-info.java of " + module.getName());
    }
  }

  private static boolean isPlatform(Module module) {
    String name = module.getName();
    return name.startsWith("java.") || name.startsWith("jdk.");
  }
}
